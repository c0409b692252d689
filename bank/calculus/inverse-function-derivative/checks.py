import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def expected(x, c):
    """y = f(x) = x³ + c·x, and the slope of f⁻¹ at y by autograd through the inverse relation:
    the derivative of x with respect to y is 1 / (dy/dx), computed here from autograd's dy/dx."""
    leaf = x.clone().requires_grad_(True)
    y = leaf**3 + c * leaf
    y.sum().backward()
    return y.detach(), 1 / leaf.grad


def check_slope(student, variant, x, what, **tolerances):
    call = student.call("inverse_slope", x)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "inverse_slope(x) should return a pair (y, slope).",
            zh="inverse_slope(x) 应当返回一对 (y, slope)。",
        )
    y, slope = expected(x, variant["cubic"][0])
    check_tensor(
        out[0], y, Text(f"y for {what}", zh=f"y（{what.zh}）"), check_device=False, **tolerances
    )
    check_tensor(
        out[1],
        slope,
        Text(f"the slope for {what}", zh=f"斜率（{what.zh}）"),
        check_device=False,
        **tolerances,
    )
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize("shape", [(6,), (2, 3)])
def test_random_points(student, variant, rng, shape):
    """y = f(x) and the slope of f⁻¹ at y, at random points; x left unchanged
    zh: 在随机点上求 y = f(x) 和 f⁻¹ 在 y 处的斜率；x 保持不变"""
    x = torch.empty(shape).uniform_(-2.5, 2.5, generator=rng)
    check_slope(
        student,
        variant,
        x,
        Text(f"x of shape {shape}", zh=f"x 的形状为 {shape}"),
        rtol=1e-5,
        atol=1e-6,
    )


@points(1)
def test_float64(student, variant, rng):
    """float64 is kept; x left unchanged
    zh: 结果仍是 float64；x 保持不变"""
    x = torch.empty(4, dtype=torch.float64).uniform_(-3.0, 3.0, generator=rng)
    check_slope(student, variant, x, Text("a float64 x", zh="x 为 float64"), rtol=1e-12, atol=1e-12)
