import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_unchanged,
    describe_type,
    describe_type_zh,
    points,
)


def check_scaled(call, X, w, what):
    call.unwrap()
    check_tensor(call.input_after(0), X * w[:, None], what)
    check_unchanged(call.input_after(1), w, "w")


@points(1)
@pytest.mark.parametrize("n, d", [(3, 5), (3, 3)], ids=["3x5", "square-3x3"])
def test_rows_scaled_in_place(student, rng, n, d):
    """the caller's X has row i multiplied by w[i]; w is unchanged
    zh: 调用方的 X 的第 i 行乘上了 w[i]；w 保持不变"""
    X, w = torch.randn(n, d, generator=rng), torch.randn(n, generator=rng)
    call = student.call("scale_rows_", X, w)
    check_scaled(
        call,
        X,
        w,
        Text(f"the caller's X ({n}x{d}) after the call", zh=f"调用之后调用方的 {n}x{d} 矩阵 X"),
    )


@points(0.5)
def test_single_column(student, rng):
    """works for X with one column; w is unchanged
    zh: X 只有一列时也能用；w 保持不变"""
    X, w = torch.randn(4, 1, generator=rng), torch.randn(4, generator=rng)
    call = student.call("scale_rows_", X, w)
    check_scaled(
        call, X, w, Text("the caller's X (4x1) after the call", zh="调用之后调用方的 4x1 矩阵 X")
    )


@points(1.5)
def test_returns_x_itself(student, rng):
    """returns the very tensor object passed as X, scaled in place
    zh: 返回的正是作为 X 传入、已被原地缩放的那个张量对象"""
    X, w = torch.randn(2, 4, generator=rng), torch.randn(2, generator=rng)
    call = student.call("scale_rows_", X, w)
    check_scaled(
        call, X, w, Text("the caller's X (2x4) after the call", zh="调用之后调用方的 2x4 矩阵 X")
    )
    result = call.result
    if type(result) is not torch.Tensor:
        raise CheckFailed(
            f"scale_rows_ should return X, but it returned {describe_type(result)}.",
            zh=f"scale_rows_ 应当返回 X，但它返回了 {describe_type_zh(result)}。",
        )
    if not call.returned_argument(0):
        raise CheckFailed(
            "scale_rows_ returned a different tensor, not the X it was given.",
            zh="scale_rows_ 返回了另一个张量，而不是传给它的 X。",
        )
