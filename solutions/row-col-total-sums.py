def sums(X):
    return X.sum(dim=1), X.sum(dim=0), X.sum()
