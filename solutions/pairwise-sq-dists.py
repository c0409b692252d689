def sq_dists(X, Y):
    n, d = X.shape
    m = Y.shape[0]
    return ((X.reshape(n, 1, d) - Y.reshape(1, m, d)) ** 2).sum(dim=2)
