import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def three_matrices(rng, m, n):
    return tuple(torch.randn(m, n, generator=rng) for _ in range(3))


@points(1)
@pytest.mark.parametrize("m, n", [(100, 200), (3, 2)])
def test_stack(student, rng, m, n):
    """T has shape (m, n, 3) and T[i, j, k] is entry (i, j) of the k-th matrix; inputs unchanged"""
    A, B, C = three_matrices(rng, m, n)
    call = student.call("stack_on_last_axis", A, B, C)
    check_tensor(call.unwrap(), torch.stack([A, B, C], dim=-1), f"T for three {m}x{n} matrices")
    for index, (name, before) in enumerate(zip("ABC", (A, B, C))):
        check_unchanged(call.input_after(index), before, name)


@points(1)
def test_take_second(student, rng):
    """the second matrix comes back from the last axis; T unchanged"""
    A, B, C = three_matrices(rng, 4, 5)
    T = torch.stack([A, B, C], dim=-1)
    call = student.call("take_second", T)
    check_tensor(call.unwrap(), B, "take_second(T) for a T of shape (4, 5, 3)")
    check_unchanged(call.input_after(0), T, "T")
