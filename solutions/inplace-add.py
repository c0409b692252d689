def add_into(X, Y):
    X += Y
    return X
