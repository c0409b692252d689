import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_untouched, check_used_autograd, points


def reference(x, limit):
    x = x.detach().clone().requires_grad_(True)
    y = x
    while y < limit:
        y = y * x
    y.backward()
    return y.detach(), x.grad


def check_pair(call, x, limit):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "power_until(x, limit) should return a pair (y, g).",
            zh="power_until(x, limit) 应当返回二元组 (y, g)。",
        )
    y, g = out
    want_y, want_g = reference(x, limit)
    rtol = 1e-5 if x.dtype == torch.float32 else 1e-12
    check_tensor(
        y.detach() if type(y) is torch.Tensor else y,
        want_y,
        "y",
        rtol=rtol,
        atol=0,
        check_device=False,
    )
    check_tensor(g, want_g, "g", rtol=rtol, atol=0, check_device=False)
    check_used_autograd(call, "power_until(x, limit)")


@points(1)
@pytest.mark.parametrize("limit", [10.0, 100.0, 1000.0])
def test_loop(student, rng, limit):
    """y and dy/dx by autograd after the loop, for a random x > 1
    zh: 对随机的 x > 1，循环结束后的 y，以及用自动微分求出的 dy/dx"""
    x = torch.empty(()).uniform_(1.2, 3.0, generator=rng)
    check_pair(student.call("power_until", x, limit), x, limit)


@points(1)
def test_zero_or_one_turn(student, rng):
    """when the loop does not run at all (y = x), and when it turns exactly once (y = x²)
    zh: 循环一次都不执行时（y = x），以及恰好执行一次时（y = x²）"""
    x = torch.empty((), dtype=torch.float64).uniform_(5.0, 9.0, generator=rng)
    check_pair(student.call("power_until", x, 4.0), x, 4.0)
    once = float(x) * 1.5  # x < limit ≤ x²
    check_pair(student.call("power_until", x, once), x, once)


@points(1)
def test_float64_and_unchanged(student, rng):
    """float64 is kept, and the caller's x keeps its value and gets no gradient
    zh: 保持 float64，且调用者传入的 x 值不变，也没有得到梯度"""
    x = torch.empty((), dtype=torch.float64).uniform_(1.2, 3.0, generator=rng)
    call = student.call("power_until", x, 500.0)
    check_pair(call, x, 500.0)
    check_untouched(call.input_after(0), x)
