import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("m, n", [(4, 3), (2, 5), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """cumulative sums down every column, same shape and dtype"""
    A = torch.randn(m, n, generator=rng)
    check_tensor(
        student.running_totals(A), A.cumsum(axis=0), f"running_totals(A) for a {m}x{n} A", atol=1e-5
    )


@points(1)
def test_integer_matrix(student, rng):
    """int64 input gives int64 totals"""
    A = torch.randint(0, 50, (5, 2), generator=rng)
    check_tensor(student.running_totals(A), A.cumsum(axis=0), "running_totals(A) for an int64 A")


@points(1)
def test_input_unchanged(student, rng):
    """correct, and A is left unchanged"""
    A = torch.randn(3, 4, generator=rng)
    call = student.call("running_totals", A)
    check_tensor(call.unwrap(), A.cumsum(axis=0), "running_totals(A)", atol=1e-5)
    check_unchanged(call.input_after(0), A, "A")
