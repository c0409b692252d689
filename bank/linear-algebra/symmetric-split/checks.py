import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, points


def check_split(student, A, what, **tolerances):
    call = student.call("symmetric_split", A)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed("symmetric_split(A) should return a pair (S, K).")
    check_tensor(out[0], (A + A.T) / 2, f"S for {what}", **tolerances)
    check_tensor(out[1], (A - A.T) / 2, f"K for {what}", **tolerances)
    check_unchanged(call.input_after(0), A, "A")


@points(1.5)
@pytest.mark.parametrize("n", [3, 5])
def test_split(student, rng, n):
    """S symmetric, K skew-symmetric, S + K = A; A left unchanged"""
    A = torch.randn(n, n, generator=rng)
    check_split(student, A, f"a random {n}x{n} A", rtol=1e-5, atol=1e-6)


@points(1)
def test_float64(student, rng):
    """float64 is kept; A left unchanged"""
    A = torch.randn(4, 4, generator=rng, dtype=torch.float64)
    check_split(student, A, "a float64 A", rtol=1e-12, atol=1e-12)
