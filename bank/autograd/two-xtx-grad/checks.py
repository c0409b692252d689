import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_untouched,
    check_used_autograd,
    points,
    remote_info,
)


def check_pair(call, x):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "xtx_value_and_grad(x) should return a pair (y, g).",
            zh="xtx_value_and_grad(x) 应当返回二元组 (y, g)。",
        )
    y, g = out
    xf = x.to(torch.float32)
    check_tensor(y, 2 * torch.dot(xf, xf), "y", rtol=1e-5, atol=1e-4, check_device=False)
    check_tensor(
        g, 4 * xf, Text("the gradient g", zh="梯度 g"), rtol=1e-5, atol=1e-5, check_device=False
    )
    check_used_autograd(call, "xtx_value_and_grad(x)")
    return out


@points(0.5)
@pytest.mark.parametrize("n", [3, 6])
def test_float_input(student, rng, n):
    """y and its gradient by autograd, for a float32 x
    zh: x 为 float32 时的 y，以及用自动微分求出的梯度"""
    x = torch.randn(n, generator=rng)
    check_pair(student.call("xtx_value_and_grad", x), x)


@points(0.75)
@pytest.mark.parametrize("n", [4, 7])
def test_integer_input(student, rng, n):
    """an int64 x is converted to float32 before requires_grad_()
    zh: int64 的 x 要先转换为 float32，再调用 requires_grad_()"""
    x = torch.randint(-5, 6, (n,), generator=rng)
    check_pair(student.call("xtx_value_and_grad", x), x)


@points(0.25)
def test_y_detached(student, rng):
    """correct, and y is detached from the graph (it does not require grad)
    zh: 结果正确，且 y 已从计算图中分离（不要求梯度）"""
    x = torch.randn(4, generator=rng)
    out = check_pair(student.call("xtx_value_and_grad", x), x)
    info = remote_info(out[0])
    if (info is not None and info.requires_grad) or out[0].requires_grad:
        raise CheckFailed(
            "y still requires grad; return y.detach().",
            zh="y 仍然要求梯度；请返回 y.detach()。",
        )


@points(0.25)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(5, generator=rng)
    call = student.call("xtx_value_and_grad", x)
    check_pair(call, x)
    check_untouched(call.input_after(0), x)
