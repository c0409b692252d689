def comparison_counts(X, Y):
    return int((X == Y).sum()), int((X < Y).sum()), int((X > Y).sum())
