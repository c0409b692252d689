import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def check_totals(student, A, what):
    call = student.call("running_totals", A)
    check_tensor(call.unwrap(), A.cumsum(axis=0), what, atol=1e-5)
    check_unchanged(call.input_after(0), A, "A")


@points(0.5)
@pytest.mark.parametrize("m, n", [(4, 3), (2, 5), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """cumulative sums down every column, same shape and dtype; A left unchanged"""
    A = torch.randn(m, n, generator=rng)
    check_totals(student, A, f"running_totals(A) for a {m}x{n} A")


@points(0.5)
@pytest.mark.parametrize("m, n", [(5, 2), (6, 1)])
def test_integer_matrices(student, rng, m, n):
    """int64 input gives int64 totals; A left unchanged"""
    A = torch.randint(0, 50, (m, n), generator=rng)
    check_totals(student, A, f"running_totals(A) for an int64 {m}x{n} A")
