def even_rows_odd_cols(X):
    return X[::2, 1::2]
