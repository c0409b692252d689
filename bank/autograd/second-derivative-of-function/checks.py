import pytest
import torch

from grader.judge import check_tensor, check_untouched, check_used_autograd, points
from grader.judge.functions import autograd_second_derivative, random_elementwise_function


def check_second(call, f, x, tol):
    out = call.unwrap()
    check_tensor(
        out.detach() if type(out) is torch.Tensor else out,
        autograd_second_derivative(f, x),
        "second_derivative(f, x)",
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(call, "second_derivative(f, x)")


@points(2)
@pytest.mark.parametrize("shape", [(6,), (2, 3)], ids=["vector", "matrix"])
def test_second_derivative(student, rng, shape):
    """the second derivatives of an elementwise function drawn at random, by autograd
    zh: 用自动微分求随机生成的逐元素函数的二阶导数"""
    f = random_elementwise_function(rng)
    x = torch.empty(shape).uniform_(-1.5, 1.5, generator=rng)
    check_second(student.call("second_derivative", f, x), f, x, 1e-4)


@points(2)
def test_float64_and_caller_x_unchanged(student, rng):
    """float64 is kept, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 保持 float64，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    f = random_elementwise_function(rng)
    x = torch.empty(5, dtype=torch.float64).uniform_(-1.5, 1.5, generator=rng)
    call = student.call("second_derivative", f, x)
    check_second(call, f, x, 1e-10)
    check_untouched(call.input_after(1), x)
