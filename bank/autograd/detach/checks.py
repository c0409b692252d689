import pytest
import torch

from grader.judge import check_tensor, check_untouched, check_used_autograd, points


def check_gradient(call, x):
    check_tensor(call.unwrap(), x * x, "detached_grad(x)", rtol=1e-5, atol=1e-6, check_device=False)
    check_used_autograd(call, "detached_grad(x)")


@points(1.5)
@pytest.mark.parametrize("n", [4, 7])
def test_gradient_is_u(student, rng, n):
    """the gradient of sum(z) with u treated as a constant, computed by autograd
    zh: 把 u 当作常数时 sum(z) 的梯度，用自动微分计算"""
    x = torch.randn(n, generator=rng)
    check_gradient(student.call("detached_grad", x), x)


@points(2)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(5, generator=rng)
    call = student.call("detached_grad", x)
    check_gradient(call, x)
    check_untouched(call.input_after(0), x)
