import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_untouched,
    check_used_autograd,
    points,
)


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def reference(a):
    a = a.detach().clone().requires_grad_(True)
    c = f(a)
    c.sum().backward()
    return c.detach(), a.grad


def with_sign(a, sign):
    """a, or -a, so that its entries add up to a number of the given sign (which decides the
    branch of f)."""
    positive = bool(a.sum() > 0)
    return a if positive == (sign == "positive") else -a


def check_pair(call, a):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "control_flow_grad(a) should return a pair (f(a), gradient).",
            zh="control_flow_grad(a) 应当返回二元组 (f(a), 梯度)。",
        )
    value, grad = out
    want_value, want_grad = reference(a)
    check_tensor(
        value.detach() if type(value) is torch.Tensor else value,
        want_value,
        "f(a)",
        rtol=1e-5,
        atol=1e-3,
        check_device=False,
    )
    check_tensor(
        grad, want_grad, Text("the gradient", zh="梯度"), rtol=1e-5, atol=1e-3, check_device=False
    )
    check_used_autograd(call, "control_flow_grad(a)")


@points(1)
@pytest.mark.parametrize("sign", ["positive", "negative"])
def test_scalar(student, rng, sign):
    """a scalar a, on both branches of the if
    zh: 标量 a，if 的两个分支都测"""
    a = with_sign(torch.rand((), generator=rng) + 0.1, sign)
    check_pair(student.call("control_flow_grad", a), a)


@points(1)
@pytest.mark.parametrize("sign", ["positive", "negative"])
def test_vector(student, rng, sign):
    """a vector a, on both branches of the if: the gradient has a's shape
    zh: 向量 a，if 的两个分支都测：梯度与 a 形状相同"""
    a = with_sign(torch.randn(5, generator=rng), sign)
    check_pair(student.call("control_flow_grad", a), a)


@points(1)
def test_matrix(student, rng):
    """a matrix a (the norm is then the Frobenius norm), on the 100·b branch
    zh: 矩阵 a（此时的范数是 Frobenius 范数），走 100·b 分支"""
    a = with_sign(torch.randn(3, 4, generator=rng), "negative")
    check_pair(student.call("control_flow_grad", a), a)


@points(1)
def test_caller_a_unchanged(student, rng):
    """correct, and the caller's a keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 a 值不变、没有梯度、也不要求梯度"""
    a = with_sign(torch.randn(4, generator=rng), "positive")
    call = student.call("control_flow_grad", a)
    check_pair(call, a)
    check_untouched(call.input_after(0), a, Text("the caller's a", zh="调用者传入的 a"))
