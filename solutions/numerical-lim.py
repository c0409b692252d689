def parabola(x):
    return 3 * x**2 - 4 * x


def numerical_lim(x, h):
    return (parabola(x + h) - parabola(x)) / h
