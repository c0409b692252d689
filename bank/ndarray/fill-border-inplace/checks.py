import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, points


def expected(X, value):
    out = X.clone()
    out[0], out[-1] = value, value
    out[:, 0], out[:, -1] = value, value
    return out


def check_call(call, X, value, what):
    result = call.unwrap()
    after = call.input_after(0)
    if type(after) is torch.Tensor and torch.equal(after, X):
        raise CheckFailed(
            f"the caller's X is unchanged after {what}: write into X itself, not into a copy.",
            zh=f"{what.zh} 之后，调用方的 X 没有变化：要写进 X 本身，而不是写进副本。",
        )
    check_tensor(after, expected(X, value), Text(f"X after {what}", zh=f"{what.zh} 之后的 X"))
    if result is not None:
        raise CheckFailed(
            f"{what} should change X in place and return None.",
            zh=f"{what.zh} 应当原地修改 X 并返回 None。",
        )


@points(1)
@pytest.mark.parametrize("rows, cols", [(4, 6), (5, 2), (2, 3)])
def test_float_matrices(student, rng, rows, cols):
    """the caller's X has its border set to value and its interior unchanged
    zh: 调用方的 X 边框被设为 value，内部保持不变"""
    X = torch.randn(rows, cols, generator=rng)
    value = float(torch.randint(10, 20, (1,), generator=rng))
    call = student.call("fill_border", X, value)
    check_call(
        call,
        X,
        value,
        Text(
            f"fill_border(X, {value}) for a {rows}x{cols} X",
            zh=f"对 {rows}x{cols} 的 X 调用 fill_border(X, {value})",
        ),
    )


@points(1)
def test_int64_matrix(student, rng):
    """works in place on an int64 X
    zh: 对 int64 的 X 也能原地修改"""
    X = torch.randint(0, 10, (3, 5), generator=rng)
    call = student.call("fill_border", X, -7)
    check_call(
        call,
        X,
        -7,
        Text(
            "fill_border(X, -7) for a 3x5 int64 X", zh="对 3x5 的 int64 X 调用 fill_border(X, -7)"
        ),
    )
