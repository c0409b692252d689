import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, points


def check_triple(out, X, what):
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(f"{what} should return a tuple (row_sums, col_sums, total).")
    tol = {"rtol": 1e-5, "atol": 1e-5}
    check_tensor(out[0], X.sum(dim=1), f"row_sums of {what}", **tol)
    check_tensor(out[1], X.sum(dim=0), f"col_sums of {what}", **tol)
    check_tensor(out[2], X.sum(), f"total of {what}", **tol)


@points(0.75)
@pytest.mark.parametrize("n, d", [(3, 5), (6, 2)])
def test_float_matrices(student, rng, n, d):
    """row sums (n,), column sums (d,) and a 0-d total for a float32 X"""
    X = torch.randn(n, d, generator=rng)
    check_triple(student.sums(X), X, f"sums(X) for a {n}x{d} X")


@points(1)
def test_int64_matrix(student, rng):
    """int64 X gives int64 sums; X is left unchanged"""
    X = torch.randint(-20, 20, (4, 3), generator=rng)
    call = student.call("sums", X)
    check_triple(call.unwrap(), X, "sums(X) for a 4x3 int64 X")
    check_unchanged(call.input_after(0), X, "X")
