def cubic_tangent(x0):
    slope = 3 * x0**2 + 1 / x0**2
    return slope, x0**3 - 1 / x0 - slope * x0
