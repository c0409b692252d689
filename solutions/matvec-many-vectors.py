def matvec_rows(A, X):
    return X @ A.T
