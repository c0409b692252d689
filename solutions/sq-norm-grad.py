def sq_norm_grad(X):
    return 2 * X
