import math

import pytest
import torch

from grader.judge import Text, check_tensor, check_untouched, check_used_autograd, points
from grader.judge.functions import autograd_gradient, random_sample_loss


def expected(loss, w, X):
    n = X.shape[0]
    return autograd_gradient(lambda v: loss(v, X) / n, w)


def check_accumulated(call, loss, w, X, chunk, tol):
    check_tensor(
        call.unwrap(),
        expected(loss, w, X),
        Text(
            f"accumulated_gradient(loss, w, X, {chunk}) for {X.shape[0]} rows",
            zh=f"X 有 {X.shape[0]} 行时的 accumulated_gradient(loss, w, X, {chunk})",
        ),
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(
        call,
        "accumulated_gradient(loss, w, X, chunk)",
        at_least=math.ceil(X.shape[0] / chunk),
        why=Text("one per chunk", zh="每个分块一次"),
    )


@points(2)
@pytest.mark.parametrize("n, chunk", [(12, 5), (10, 3)], ids=["12-rows-by-5", "10-rows-by-3"])
def test_equals_the_full_batch_gradient(student, rng, n, chunk):
    """the gradient of the mean loss, one backward pass per chunk, for a loss drawn at random
    zh: 对随机生成的损失函数求平均损失的梯度，每个分块做一次反向传播"""
    loss = random_sample_loss(rng)
    w = torch.randn(3, generator=rng) * 0.5
    X = torch.randn(n, 3, generator=rng)
    check_accumulated(
        student.call("accumulated_gradient", loss, w, X, chunk), loss, w, X, chunk, 1e-4
    )


@points(2)
def test_float64_and_caller_w_unchanged(student, rng):
    """float64 is kept, and the caller's w keeps its values, has no gradient and does not require grad
    zh: 保持 float64，且调用者传入的 w 值不变、没有梯度、也不要求梯度"""
    loss = random_sample_loss(rng)
    w = torch.randn(4, generator=rng, dtype=torch.float64) * 0.5
    X = torch.randn(9, 4, generator=rng, dtype=torch.float64)
    call = student.call("accumulated_gradient", loss, w, X, 4)
    check_accumulated(call, loss, w, X, 4, 1e-10)
    check_untouched(call.input_after(1), w, Text("the caller's w", zh="调用者传入的 w"))
