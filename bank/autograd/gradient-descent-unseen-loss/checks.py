import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_untouched,
    check_used_autograd,
    describe_type,
    describe_type_zh,
    points,
    remote_info,
)
from grader.judge.functions import random_least_squares

LR = 0.1


def reference(loss, w0, lr, steps):
    w = w0.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(steps):
        value = loss(w)
        losses.append(value.item())
        value.backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
    return w.detach(), losses


def problem(rng, n, d):
    return random_least_squares(rng, n, d), torch.randn(d, generator=rng)


def run(student, loss, w0, steps):
    """The call, its (w, losses) and what they should be; w checked here."""
    call = student.call("gradient_descent", loss, w0, LR, steps)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "gradient_descent should return a pair (w, losses).",
            zh="gradient_descent 应当返回二元组 (w, losses)。",
        )
    w, losses = out
    want_w, want_losses = reference(loss, w0, LR, steps)
    check_tensor(
        w.detach() if type(w) is torch.Tensor else w,
        want_w,
        Text(f"w after {steps} steps", zh=f"{steps} 步之后的 w"),
        rtol=1e-4,
        atol=1e-5,
        check_device=False,
    )
    check_used_autograd(
        call,
        "gradient_descent(loss, w0, lr, steps)",
        at_least=steps,
        why=Text("one per step", zh="每一步一次"),
    )
    return call, w, losses, want_losses


@points(2)
@pytest.mark.parametrize("n, d, steps", [(10, 3, 20), (16, 5, 30)], ids=["d=3", "d=5"])
def test_final_weights(student, rng, n, d, steps):
    """w after the given number of steps on a least-squares loss drawn at random
    zh: 在随机生成的最小二乘损失上走完指定步数之后的 w"""
    loss, w0 = problem(rng, n, d)
    run(student, loss, w0, steps)


@points(1.5)
def test_losses(student, rng):
    """correct w, and the list of losses: Python floats, each taken before its update
    zh: w 正确，且损失列表由 Python 浮点数组成，每个都在对应的更新之前记录"""
    loss, w0 = problem(rng, 12, 4)
    _, _, losses, want = run(student, loss, w0, 15)
    if type(losses) is not list:
        raise CheckFailed(
            f"losses should be a list of floats, but it is {describe_type(losses)}.",
            zh=f"losses 应当是由浮点数组成的列表，但得到的是{describe_type_zh(losses)}。",
        )
    if len(losses) != len(want):
        raise CheckFailed(
            f"losses should hold one value per step ({len(want)}), not {len(losses)}.",
            zh=f"losses 应当每一步一个值（共 {len(want)} 个），而不是 {len(losses)} 个。",
        )
    if not all(type(value) is float for value in losses):
        raise CheckFailed(
            "losses should hold Python floats (l.item()), not tensors: a list of loss tensors "
            "keeps every step's graph in memory.",
            zh="losses 中应当是 Python 浮点数（l.item()），而不是张量：保存损失张量的列表"
            "会让每一步的计算图都留在内存里。",
        )
    for i, (got, expected) in enumerate(zip(losses, want)):
        if abs(got - expected) > 1e-5 + 1e-4 * abs(expected):
            raise CheckFailed(
                f"losses[{i}] is not the loss at step {i}, before its update.",
                zh=f"losses[{i}] 不是第 {i} 步更新之前的损失。",
            )


@points(1.5)
def test_w0_unchanged_and_w_detached(student, rng):
    """correct w, which does not require grad, and the caller's w0 is left as it was
    zh: w 正确且不要求梯度，调用者传入的 w0 保持原样"""
    loss, w0 = problem(rng, 8, 3)
    call, w, _, _ = run(student, loss, w0, 10)
    info = remote_info(w)
    if (info is not None and info.requires_grad) or w.requires_grad:
        raise CheckFailed(
            "the returned w still requires grad; return w.detach().",
            zh="返回的 w 仍然要求梯度；请返回 w.detach()。",
        )
    check_untouched(call.input_after(1), w0, Text("the caller's w0", zh="调用者传入的 w0"))
