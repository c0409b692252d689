import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def check_product(student, A, B, what):
    call = student.call("hadamard", A, B)
    check_tensor(call.unwrap(), A * B, what)
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), B, "B")


@points(0.5)
@pytest.mark.parametrize("m, n", [(3, 5), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """A ⊙ B entry by entry for float matrices, A and B left unchanged"""
    A, B = torch.randn(m, n, generator=rng), torch.randn(m, n, generator=rng)
    check_product(student, A, B, f"hadamard(A, B) for {m}x{n} A and B")


@points(0.5)
@pytest.mark.parametrize("m, n", [(2, 4), (4, 1)])
def test_integer_matrices(student, rng, m, n):
    """int64 inputs give an int64 product, A and B left unchanged"""
    A = torch.randint(-9, 10, (m, n), generator=rng)
    B = torch.randint(-9, 10, (m, n), generator=rng)
    check_product(student, A, B, f"hadamard(A, B) for int64 {m}x{n} A and B")
