import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("m, n", [(2, 3), (4, 2), (3, 5)])
def test_columns_one_after_another(student, rng, m, n):
    """the columns of A one after another, as a 1-D tensor"""
    A = torch.randn(m, n, generator=rng)
    check_tensor(
        student.flatten_transposed(A),
        A.T.reshape(-1),
        f"flatten_transposed(A) for A of shape ({m}, {n})",
    )


@points(1)
def test_integer_input_unchanged(student, rng):
    """an int64 A keeps its dtype and is not modified"""
    A = torch.randint(-9, 10, (3, 4), generator=rng)
    call = student.call("flatten_transposed", A)
    check_tensor(
        call.unwrap(), A.T.reshape(-1), "flatten_transposed(A) for an int64 A of shape (3, 4)"
    )
    check_unchanged(call.input_after(0), A, "A")
