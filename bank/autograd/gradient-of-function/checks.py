import pytest
import torch

from grader.judge import check_tensor, check_untouched, check_used_autograd, points
from grader.judge.functions import autograd_gradient, random_scalar_function


def check_gradient(call, f, x, tol):
    check_tensor(
        call.unwrap(),
        autograd_gradient(f, x),
        "gradient(f, x)",
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(call, "gradient(f, x)")


@points(1.5)
@pytest.mark.parametrize("shape", [(5,), (3, 4)], ids=["vector", "matrix"])
def test_gradient(student, rng, shape):
    """the gradient of a function drawn at random, by autograd, with x's shape and dtype
    zh: 用自动微分求随机生成的函数的梯度，形状和 dtype 与 x 相同"""
    f = random_scalar_function(rng)
    x = torch.empty(shape).uniform_(-1.5, 1.5, generator=rng)
    check_gradient(student.call("gradient", f, x), f, x, 1e-4)


@points(1)
def test_float64_and_caller_x_unchanged(student, rng):
    """float64 is kept, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 保持 float64，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    f = random_scalar_function(rng)
    x = torch.empty(6, dtype=torch.float64).uniform_(-1.5, 1.5, generator=rng)
    call = student.call("gradient", f, x)
    check_gradient(call, f, x, 1e-10)
    check_untouched(call.input_after(1), x)
