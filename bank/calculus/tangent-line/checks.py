import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, points


def autograd_tangent(x0):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = 3 * x**2 - 4 * x
    y.backward()
    slope = float(x.grad)
    return slope, float(y.detach()) - slope * x0


def check_line(out, x0):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "tangent_line(x0) should return a pair (slope, intercept).",
            zh="tangent_line(x0) 应当返回一对 (slope, intercept)。",
        )
    slope, intercept = autograd_tangent(x0)
    check_close(out[0], slope, Text("the slope", zh="斜率"), rtol=1e-9, atol=1e-9)
    check_close(out[1], intercept, Text("the intercept", zh="截距"), rtol=1e-9, atol=1e-9)


@points(0.625)
@pytest.mark.parametrize("low, high", [(0.2, 4.0), (-4.0, -0.2), (-1.0, 1.0), (5.0, 20.0)])
def test_random_points(student, rng, low, high):
    """slope f′(x₀) and intercept f(x₀) − f′(x₀)·x₀ at random points
    zh: 随机点上的斜率 f′(x₀) 和截距 f(x₀) − f′(x₀)·x₀"""
    x0 = float(torch.empty((), dtype=torch.float64).uniform_(low, high, generator=rng))
    check_line(student.tangent_line(x0), x0)
