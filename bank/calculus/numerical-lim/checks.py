import pytest
import torch

from grader.judge import Text, check_close, points


def f(x):
    return 3 * x**2 - 4 * x


@points(0.625)
@pytest.mark.parametrize("h", [0.1, -0.05, 0.01, 1e-4])
def test_quotient(student, rng, h):
    """the forward difference quotient (f(x + h) − f(x)) / h, in double precision
    zh: 前向差商 (f(x + h) − f(x)) / h，用双精度计算"""
    x = float(torch.empty((), dtype=torch.float64).uniform_(-3, 3, generator=rng))
    expected = (f(x + h) - f(x)) / h
    check_close(
        student.numerical_lim(x, h),
        expected,
        Text(f"numerical_lim(x, {h}) for a random x", zh=f"numerical_lim(x, {h})（x 为随机数）"),
        rtol=1e-9,
        atol=1e-8,
    )
