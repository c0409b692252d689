def split_tail(x, k):
    n = len(x)
    return x[: n - k], x[n - k :]
