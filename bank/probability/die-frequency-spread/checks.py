import math

from grader.judge import CheckFailed, points


def variance_of_one_roll(variant):
    """p (1 - p) for p = P(face 1) of the drawn die."""
    p = 1 / variant["die"][0]
    return p * (1 - p)


def smallest_n(variance, std):
    """The smallest n with sqrt(variance / n) <= std, safe from rounding in ceil."""
    n = math.ceil(variance / std**2)
    while n > 1 and math.sqrt(variance / (n - 1)) <= std:
        n -= 1
    while math.sqrt(variance / n) > std:
        n += 1
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
def test_spread(student, variant):
    """the standard deviation of F for n = 100, and the smallest n for a spread of 0.01
    zh: n = 100 时 F 的标准差，以及使标准差不超过 0.01 的最小 n"""
    variance = variance_of_one_roll(variant)
    std_100 = number(student, "STD_100")
    if not close(std_100, math.sqrt(variance / 100)):
        raise CheckFailed("STD_100 is not right.", zh="STD_100 不对。")
    n = student.value("N_FOR_001")
    if type(n) is not int:
        raise CheckFailed("N_FOR_001 should be an int.", zh="N_FOR_001 应当是一个 int。")
    if n != smallest_n(variance, 0.01):
        raise CheckFailed("N_FOR_001 is not right.", zh="N_FOR_001 不对。")


@points(1.5)
def test_chebyshev(student, variant):
    """Chebyshev's bound for n = 1000 and the prompt's ε
    zh: n = 1000 和题目给出的 ε 下的切比雪夫界"""
    bound = number(student, "CHEBYSHEV_1000")
    expected = min(1.0, variance_of_one_roll(variant) / 1000 / variant["eps"] ** 2)
    if not close(bound, expected):
        raise CheckFailed("CHEBYSHEV_1000 is not right.", zh="CHEBYSHEV_1000 不对。")
