import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_gradient(x):
    leaf = x.clone().requires_grad_(True)
    (3 * leaf[0] ** 2 + 5 * torch.exp(leaf[1])).backward()
    return leaf.grad


def check_gradient(student, x, what, **tolerances):
    call = student.call("grad_quadratic_exp", x)
    check_tensor(call.unwrap(), autograd_gradient(x), what, check_device=False, **tolerances)
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize("low, high", [(-3.0, 3.0), (-1.5, 2.5)])
def test_random_points(student, rng, low, high):
    """the gradient at a random point; x left unchanged
    zh: 随机点上的梯度；x 保持不变"""
    x = torch.empty(2).uniform_(low, high, generator=rng)
    check_gradient(
        student,
        x,
        Text("grad_quadratic_exp(x) at a random point", zh="grad_quadratic_exp(x)（在随机点上）"),
        rtol=1e-5,
        atol=1e-5,
    )


@points(0.5)
def test_float64(student, rng):
    """float64 is kept
    zh: 结果仍是 float64"""
    x = torch.empty(2, dtype=torch.float64).uniform_(-2.0, 2.0, generator=rng)
    check_gradient(
        student,
        x,
        Text("grad_quadratic_exp(x) for a float64 x", zh="grad_quadratic_exp(x)（x 为 float64）"),
        rtol=1e-12,
        atol=1e-12,
    )
