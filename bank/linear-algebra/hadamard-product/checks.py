import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("m, n", [(3, 5), (4, 2), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """A ⊙ B entry by entry, for square and non-square float matrices"""
    A, B = torch.randn(m, n, generator=rng), torch.randn(m, n, generator=rng)
    check_tensor(student.hadamard(A, B), A * B, f"hadamard(A, B) for {m}x{n} A and B")


@points(1)
def test_integer_matrices(student, rng):
    """int64 inputs give an int64 product"""
    A = torch.randint(-9, 10, (2, 4), generator=rng)
    B = torch.randint(-9, 10, (2, 4), generator=rng)
    check_tensor(student.hadamard(A, B), A * B, "hadamard(A, B) for int64 A and B")


@points(1)
def test_inputs_unchanged(student, rng):
    """correct, and A and B are left unchanged"""
    A, B = torch.randn(3, 4, generator=rng), torch.randn(3, 4, generator=rng)
    call = student.call("hadamard", A, B)
    check_tensor(call.unwrap(), A * B, "hadamard(A, B)")
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), B, "B")
