def scale_rows_(X, w):
    X *= w.reshape(-1, 1)
    return X
