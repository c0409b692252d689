import math

from grader.judge import CheckFailed, points

P = 1 / 6


def smallest_n(std):
    n = math.ceil(P * (1 - P) / std**2)
    while math.sqrt(P * (1 - P) / (n - 1)) <= std:  # guard against rounding in ceil
        n -= 1
    return n


def number(student, name):
    value = student.value(name)
    if type(value) not in (int, float):
        raise CheckFailed(
            f"{name} should be a number, such as 0.5.", zh=f"{name} 应当是一个数，例如 0.5。"
        )
    return float(value)


def close(value, expected):
    return abs(value - expected) <= 1e-3 * abs(expected)


@points(2.5)
def test_spread(student):
    """the standard deviation of F for n = 100, and the smallest n for a spread of 0.01
    zh: n = 100 时 F 的标准差，以及使标准差不超过 0.01 的最小 n"""
    std_100 = number(student, "STD_100")
    if not close(std_100, math.sqrt(P * (1 - P) / 100)):
        raise CheckFailed("STD_100 is not right.", zh="STD_100 不对。")
    n = student.value("N_FOR_001")
    if type(n) is not int:
        raise CheckFailed("N_FOR_001 should be an int.", zh="N_FOR_001 应当是一个 int。")
    if n != smallest_n(0.01):
        raise CheckFailed("N_FOR_001 is not right.", zh="N_FOR_001 不对。")


@points(1.5)
def test_chebyshev(student):
    """Chebyshev's bound for n = 1000 and ε = 0.05
    zh: n = 1000、ε = 0.05 时的切比雪夫界"""
    bound = number(student, "CHEBYSHEV_1000")
    if not close(bound, min(1.0, P * (1 - P) / 1000 / 0.05**2)):
        raise CheckFailed("CHEBYSHEV_1000 is not right.", zh="CHEBYSHEV_1000 不对。")
