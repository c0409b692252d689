def fill_border(X, value):
    X[0, :] = value
    X[-1, :] = value
    X[:, 0] = value
    X[:, -1] = value
