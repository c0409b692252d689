def normalize_rows(A):
    return A / A.sum(axis=1, keepdims=True)
