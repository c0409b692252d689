import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def positive(shape, rng):
    return torch.rand(shape, generator=rng) + 0.1


@points(1)
@pytest.mark.parametrize("m, n", [(3, 5), (4, 2), (3, 3)])
def test_rows_sum_to_one(student, rng, m, n):
    """every row divided by its own sum (square and non-square)"""
    A = positive((m, n), rng)
    check_tensor(
        student.normalize_rows(A),
        A / A.sum(axis=1, keepdims=True),
        f"normalize_rows(A) for a {m}x{n} A",
        rtol=1e-5,
        atol=1e-6,
    )


@points(1)
def test_input_unchanged(student, rng):
    """correct, and A is left unchanged"""
    A = positive((2, 4), rng)
    call = student.call("normalize_rows", A)
    check_tensor(
        call.unwrap(), A / A.sum(axis=1, keepdims=True), "normalize_rows(A)", rtol=1e-5, atol=1e-6
    )
    check_unchanged(call.input_after(0), A, "A")
