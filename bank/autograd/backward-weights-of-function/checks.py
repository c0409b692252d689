import pytest
import torch

from grader.judge import (
    Text,
    check_tensor,
    check_unchanged,
    check_untouched,
    check_used_autograd,
    points,
)
from grader.judge.functions import autograd_vjp, random_tensor_function


def check_weighted(call, f, x, v, tol):
    check_tensor(
        call.unwrap(),
        autograd_vjp(f, x, v),
        Text(
            f"backward_with_weights(f, x, v) for x of shape {tuple(x.shape)}",
            zh=f"x 的形状为 {tuple(x.shape)} 时的 backward_with_weights(f, x, v)",
        ),
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(call, "backward_with_weights(f, x, v)")


@points(1.5)
@pytest.mark.parametrize("shape", [(6,), (3, 4)], ids=["vector", "matrix"])
def test_weighted_gradient(student, rng, shape):
    """the gradient of Σ vᵢ·yᵢ for a function drawn at random, by a backward pass
    zh: 对随机生成的函数，用反向传播求 Σ vᵢ·yᵢ 的梯度"""
    f = random_tensor_function(rng)
    x = torch.empty(shape).uniform_(-1.5, 1.5, generator=rng)
    v = torch.randn(shape, generator=rng)
    check_weighted(student.call("backward_with_weights", f, x, v), f, x, v, 1e-4)


@points(2)
def test_float64_and_unchanged(student, rng):
    """float64 is kept; the caller's x and v keep their values, and x gets no gradient
    zh: 保持 float64；调用者传入的 x 和 v 的值不变，x 也没有得到梯度"""
    f = random_tensor_function(rng)
    x = torch.empty(2, 3, dtype=torch.float64).uniform_(-1.5, 1.5, generator=rng)
    v = torch.randn(2, 3, generator=rng, dtype=torch.float64)
    call = student.call("backward_with_weights", f, x, v)
    check_weighted(call, f, x, v, 1e-10)
    check_untouched(call.input_after(1), x)
    check_unchanged(call.input_after(2), v, "v")
