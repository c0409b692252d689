def manhattan(p, q):
    return (p - q).abs().sum()
