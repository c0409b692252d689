def inverse_slope(x):
    y = x**3 + x
    return y, 1 / (3 * x**2 + 1)
