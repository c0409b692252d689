def flatten_transposed(A):
    return A.T.reshape(-1)
