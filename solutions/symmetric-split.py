def symmetric_split(A):
    return (A + A.T) / 2, (A - A.T) / 2
