def least_squares_grad(A, X, B):
    return 2 * A.T @ (A @ X - B)
