import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, points


def expected(x):
    """y = f(x), and the slope of f⁻¹ at y by autograd through the inverse relation: the
    derivative of x with respect to y is 1 / (dy/dx), computed here from autograd's dy/dx."""
    leaf = x.clone().requires_grad_(True)
    y = leaf**3 + leaf
    y.sum().backward()
    return y.detach(), 1 / leaf.grad


def check_slope(student, x, what, **tolerances):
    call = student.call("inverse_slope", x)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed("inverse_slope(x) should return a pair (y, slope).")
    y, slope = expected(x)
    check_tensor(out[0], y, f"y for {what}", check_device=False, **tolerances)
    check_tensor(out[1], slope, f"the slope for {what}", check_device=False, **tolerances)
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize("shape", [(6,), (2, 3)])
def test_random_points(student, rng, shape):
    """y = f(x) and the slope of f⁻¹ at y, at random points; x left unchanged"""
    x = torch.empty(shape).uniform_(-2.5, 2.5, generator=rng)
    check_slope(student, x, f"x of shape {shape}", rtol=1e-5, atol=1e-6)


@points(1)
def test_float64(student, rng):
    """float64 is kept; x left unchanged"""
    x = torch.empty(4, dtype=torch.float64).uniform_(-3.0, 3.0, generator=rng)
    check_slope(student, x, "a float64 x", rtol=1e-12, atol=1e-12)
