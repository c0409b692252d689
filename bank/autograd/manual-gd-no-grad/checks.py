import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_unchanged,
    check_used_autograd,
    points,
    remote_info,
)


def reference(X, y, lr, steps):
    w = torch.zeros(X.shape[1], requires_grad=True)
    for _ in range(steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
    return w.detach()


def problem(rng, n, d):
    X = torch.randn(n, d, generator=rng)
    w_true = torch.randn(d, generator=rng)
    y = X @ w_true + 0.1 * torch.randn(n, generator=rng)
    return X, y


def check_weights(call, X, y, lr, steps):
    w = call.unwrap()
    check_tensor(
        w,
        reference(X, y, lr, steps),
        Text(
            f"fit_linear(X, y, {lr}, {steps}) for X of shape {tuple(X.shape)}",
            zh=f"X 的形状为 {tuple(X.shape)} 时的 fit_linear(X, y, {lr}, {steps})",
        ),
        rtol=1e-4,
        atol=1e-5,
        check_device=False,
    )
    check_used_autograd(
        call,
        "fit_linear(X, y, lr, steps)",
        at_least=steps,
        why=Text("one per step", zh="每一步一次"),
    )
    return w


@points(2)
@pytest.mark.parametrize("n, d, lr, steps", [(20, 3, 0.05, 10), (8, 5, 0.1, 25)])
def test_weights(student, rng, n, d, lr, steps):
    """w after the given number of gradient-descent steps, one backward pass per step
    zh: 梯度下降走完指定步数之后的 w，每一步做一次反向传播"""
    X, y = problem(rng, n, d)
    check_weights(student.call("fit_linear", X, y, lr, steps), X, y, lr, steps)


@points(2)
def test_detached_and_inputs_unchanged(student, rng):
    """correct, w does not require grad, and X and y are left unchanged
    zh: 结果正确，w 不要求梯度，且 X 和 y 保持不变"""
    X, y = problem(rng, 12, 4)
    call = student.call("fit_linear", X, y, 0.05, 5)
    w = check_weights(call, X, y, 0.05, 5)
    info = remote_info(w)
    if (info is not None and info.requires_grad) or w.requires_grad:
        raise CheckFailed(
            "the returned w still requires grad; return w.detach().",
            zh="返回的 w 仍然要求梯度；请返回 w.detach()。",
        )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), y, "y")
