import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points


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
            f"the caller's X is unchanged after {what}: write into X itself, not into a copy."
        )
    check_tensor(after, expected(X, value), f"X after {what}")
    if result is not None:
        raise CheckFailed(f"{what} should change X in place and return None.")


@points(1)
@pytest.mark.parametrize("rows, cols", [(4, 6), (5, 2), (2, 3)])
def test_float_matrices(student, rng, rows, cols):
    """the caller's X has its border set to value and its interior unchanged"""
    X = torch.randn(rows, cols, generator=rng)
    value = float(torch.randint(10, 20, (1,), generator=rng))
    call = student.call("fill_border", X, value)
    check_call(call, X, value, f"fill_border(X, {value}) for a {rows}x{cols} X")


@points(1)
def test_int64_matrix(student, rng):
    """works in place on an int64 X"""
    X = torch.randint(0, 10, (3, 5), generator=rng)
    call = student.call("fill_border", X, -7)
    check_call(call, X, -7, "fill_border(X, -7) for a 3x5 int64 X")
