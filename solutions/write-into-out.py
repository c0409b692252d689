def add_into_out(X, Y, out):
    out[:] = X + Y
    return out
