def parabola(x):
    return 3 * x**2 - 4 * x


def tangent_line(x0):
    slope = 6 * x0 - 4
    return slope, parabola(x0) - slope * x0
