import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def autograd_rows(X):
    """Row i: the autograd gradient of ‖xᵢ‖, or zeros for a zero row."""
    out = torch.zeros_like(X)
    for i, row in enumerate(X):
        if bool((row != 0).any()):
            leaf = row.clone().requires_grad_(True)
            torch.linalg.vector_norm(leaf).backward()
            out[i] = leaf.grad
    return out


def with_zero_row(X, rng):
    X = X.clone()
    X[int(torch.randint(0, X.shape[0], (1,), generator=rng))] = 0
    return X


@points(1)
@pytest.mark.parametrize("rows, cols", [(4, 3), (2, 6), (5, 5)])
def test_rows(student, rng, rows, cols):
    """each row of the result is x / ‖x‖ for its own row (B ≠ n and B = n)"""
    X = torch.randn(rows, cols, generator=rng)
    check_tensor(
        student.row_norm_grads(X),
        autograd_rows(X),
        f"row_norm_grads(X) for X of shape ({rows}, {cols})",
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )


@points(1)
def test_zero_row(student, rng):
    """a row of zeros gives a row of zeros (no NaN)"""
    X = with_zero_row(torch.randn(4, 3, generator=rng), rng)
    check_tensor(
        student.row_norm_grads(X),
        autograd_rows(X),
        "row_norm_grads(X) for an X with a zero row",
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )


@points(1)
def test_float64_and_unchanged(student, rng):
    """float64 is kept and X is left unchanged"""
    X = with_zero_row(torch.randn(3, 7, generator=rng, dtype=torch.float64), rng)
    call = student.call("row_norm_grads", X)
    check_tensor(
        call.unwrap(),
        autograd_rows(X),
        "row_norm_grads(X) for a float64 X",
        rtol=1e-10,
        atol=1e-12,
        check_device=False,
    )
    check_unchanged(call.input_after(0), X, "X")
