import pytest
import torch

from grader.judge import (
    CheckFailed,
    check_tensor,
    check_untouched,
    check_used_autograd,
    points,
    remote_info,
)


def check_pair(call, x, w, rtol, atol):
    """(y, dy) for f(x) = sin(w x): the variant's frequency w changes both."""
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "sin_and_derivative(x) should return a pair (y, dy).",
            zh="sin_and_derivative(x) 应当返回二元组 (y, dy)。",
        )
    y, dy = out
    check_tensor(y, torch.sin(w * x), "y", rtol=rtol, atol=atol, check_device=False)
    check_tensor(dy, w * torch.cos(w * x), "dy", rtol=rtol, atol=atol, check_device=False)
    check_used_autograd(call, "sin_and_derivative(x)")
    return out


@points(1)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_matches_cos(student, rng, variant, dtype):
    """y is f(x) and dy its derivative by autograd, with the dtype of x
    zh: y 是 f(x)，dy 是用自动微分求出的导数，dtype 与 x 相同"""
    x = torch.empty(50, dtype=dtype).uniform_(-6, 6, generator=rng)
    tol = 1e-6 if dtype == torch.float32 else 1e-12
    check_pair(student.call("sin_and_derivative", x), x, variant["freq"][0], rtol=tol, atol=tol)


@points(1.5)
def test_detached(student, rng, variant):
    """correct, and neither y nor dy requires grad
    zh: 结果正确，且 y 和 dy 都不要求梯度"""
    x = torch.randn(20, generator=rng)
    out = check_pair(
        student.call("sin_and_derivative", x), x, variant["freq"][0], rtol=1e-6, atol=1e-6
    )
    for name, t in zip(("y", "dy"), out):
        info = remote_info(t)
        if (info is not None and info.requires_grad) or t.requires_grad:
            raise CheckFailed(
                f"{name} still requires grad; return {name}.detach().",
                zh=f"{name} 仍然要求梯度；请返回 {name}.detach()。",
            )


@points(1.5)
def test_caller_x_unchanged(student, rng, variant):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(8, generator=rng)
    call = student.call("sin_and_derivative", x)
    check_pair(call, x, variant["freq"][0], rtol=1e-6, atol=1e-6)
    check_untouched(call.input_after(0), x)
