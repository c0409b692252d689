import math

import pytest
import torch

from grader.judge import check_tensor, check_untouched, check_used_autograd, points
from grader.judge.functions import autograd_gradient, random_sample_loss


def expected(loss, w, X):
    n = X.shape[0]
    return autograd_gradient(lambda v: loss(v, X) / n, w)


def check_accumulated(call, loss, w, X, chunk, tol):
    check_tensor(
        call.unwrap(),
        expected(loss, w, X),
        f"accumulated_gradient(loss, w, X, {chunk}) for {X.shape[0]} rows",
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(
        call,
        "accumulated_gradient(loss, w, X, chunk)",
        at_least=math.ceil(X.shape[0] / chunk),
        why="one per chunk",
    )


@points(2)
@pytest.mark.parametrize("n, chunk", [(12, 5), (10, 3)], ids=["12-rows-by-5", "10-rows-by-3"])
def test_equals_the_full_batch_gradient(student, rng, n, chunk):
    """the gradient of the mean loss, one backward pass per chunk, for a loss drawn at random"""
    loss = random_sample_loss(rng)
    w = torch.randn(3, generator=rng) * 0.5
    X = torch.randn(n, 3, generator=rng)
    check_accumulated(
        student.call("accumulated_gradient", loss, w, X, chunk), loss, w, X, chunk, 1e-4
    )


@points(2)
def test_float64_and_caller_w_unchanged(student, rng):
    """float64 is kept, and the caller's w keeps its values, has no gradient and does not require grad"""
    loss = random_sample_loss(rng)
    w = torch.randn(4, generator=rng, dtype=torch.float64) * 0.5
    X = torch.randn(9, 4, generator=rng, dtype=torch.float64)
    call = student.call("accumulated_gradient", loss, w, X, 4)
    check_accumulated(call, loss, w, X, 4, 1e-10)
    check_untouched(call.input_after(1), w, "the caller's w")
