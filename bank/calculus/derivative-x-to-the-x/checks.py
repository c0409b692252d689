import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_derivative(x):
    leaf = x.clone().requires_grad_(True)
    (leaf**leaf).sum().backward()
    return leaf.grad


def check_derivative(student, x, what, **tolerances):
    call = student.call("x_to_the_x_derivative", x)
    check_tensor(call.unwrap(), autograd_derivative(x), what, check_device=False, **tolerances)
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize("shape", [(6,), (2, 3)])
def test_random_points(student, rng, shape):
    """f′ at random positive points (below and above 1/e); x left unchanged
    zh: 随机正数点上的 f′（小于和大于 1/e 的点都有）；x 保持不变"""
    x = torch.empty(shape).uniform_(0.1, 3.0, generator=rng)
    check_derivative(
        student,
        x,
        Text(
            f"x_to_the_x_derivative(x) for x of shape {shape}",
            zh=f"x_to_the_x_derivative(x)（x 的形状为 {shape}）",
        ),
        rtol=1e-5,
        atol=1e-6,
    )


@points(1)
def test_float64(student, rng):
    """float64 is kept; x left unchanged
    zh: 结果仍是 float64；x 保持不变"""
    x = torch.empty(5, dtype=torch.float64).uniform_(0.2, 4.0, generator=rng)
    check_derivative(
        student,
        x,
        Text(
            "x_to_the_x_derivative(x) for a float64 x",
            zh="x_to_the_x_derivative(x)（x 为 float64）",
        ),
        rtol=1e-10,
        atol=1e-12,
    )
