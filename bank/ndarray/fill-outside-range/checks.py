import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X, low, high, fill):
    out = X.clone()
    out[(X < low) | (X > high)] = fill
    return out


@points(1)
@pytest.mark.parametrize("shape", [(4, 6), (10,)])
def test_integer_tensors(student, rng, shape):
    """int64 X: entries outside [low, high] replaced, bounds kept, X unchanged
    zh: int64 的 X：[low, high] 之外的元素被替换，等于边界的元素保留，X 保持不变"""
    X = torch.randint(-5, 6, shape, generator=rng)
    X.view(-1)[:2] = torch.tensor([-2, 3])  # the bounds occur
    fill = int(torch.randint(50, 100, (1,), generator=rng))
    call = student.call("fill_outside", X, -2, 3, fill)
    check_tensor(call.unwrap(), expected(X, -2, 3, fill), f"fill_outside(X, -2, 3, {fill})")
    check_unchanged(call.input_after(0), X, "X")


@points(1)
@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 2)])
def test_float_tensors(student, rng, shape):
    """float32 X: entries outside [low, high] replaced, bounds kept, X unchanged
    zh: float32 的 X：[low, high] 之外的元素被替换，等于边界的元素保留，X 保持不变"""
    X = torch.randn(shape, generator=rng) * 2
    X.view(-1)[:2] = torch.tensor([-1.0, 1.5])  # the bounds occur
    call = student.call("fill_outside", X, -1.0, 1.5, 0.0)
    check_tensor(call.unwrap(), expected(X, -1.0, 1.5, 0.0), "fill_outside(X, -1.0, 1.5, 0.0)")
    check_unchanged(call.input_after(0), X, "X")
