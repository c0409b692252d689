def to_matrix(x, ncols):
    return x.reshape(-1, ncols)
