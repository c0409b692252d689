import pytest
import torch

from grader.judge import check_equal, check_unchanged, points


def symmetric(rng, n, dtype):
    if dtype == torch.int64:
        B = torch.randint(-9, 10, (n, n), generator=rng)
    else:
        B = torch.randn(n, n, generator=rng, dtype=dtype)
    return B + B.T


def not_symmetric(rng, n, dtype):
    A = symmetric(rng, n, dtype)
    i, j = 0, n - 1
    A[i, j] = A[j, i] + 1
    return A


@points(0.25)
@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.int64, torch.float64], ids=["float32", "int64", "float64"]
)
@pytest.mark.parametrize("n", [1, 4])
def test_symmetric_matrices(student, rng, n, dtype):
    """True for B + Bᵀ, in several dtypes"""
    A = symmetric(rng, n, dtype)
    check_equal(student.is_symmetric(A), True, f"is_symmetric(A) for a {n}x{n} A of dtype {dtype}")


@points(0.25)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64], ids=["float32", "int64"])
@pytest.mark.parametrize("n", [2, 5])
def test_square_not_symmetric(student, rng, n, dtype):
    """False for a square matrix with one pair A[i, j] != A[j, i]"""
    A = not_symmetric(rng, n, dtype)
    check_equal(student.is_symmetric(A), False, f"is_symmetric(A) for a {n}x{n} A of dtype {dtype}")


@points(0.5)
@pytest.mark.parametrize("shape", [(2, 3), (4, 1), (3, 5)])
def test_non_square(student, rng, shape):
    """False, not an error, for non-square matrices"""
    A = torch.ones(shape) if shape == (4, 1) else torch.randn(shape, generator=rng)
    check_equal(student.is_symmetric(A), False, f"is_symmetric(A) for a {shape[0]}x{shape[1]} A")


@points(1)
def test_input_unchanged(student, rng):
    """the caller's A is left unchanged"""
    A = symmetric(rng, 3, torch.float32)
    call = student.call("is_symmetric", A)
    check_equal(call.unwrap(), True, "is_symmetric(A)")
    check_unchanged(call.input_after(0), A, "A")
