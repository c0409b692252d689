def mean_of(x):
    if not x.is_floating_point():
        x = x.float()
    return x.mean()
