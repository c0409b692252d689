import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points


def check_pair(out, x):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed("vector_norms(x) should return a pair (l1, l2).")
    l1, l2 = out
    check_tensor(l1, torch.abs(x).sum(), "the L1 norm", rtol=1e-5, atol=1e-5)
    check_tensor(l2, torch.linalg.vector_norm(x), "the L2 norm", rtol=1e-5, atol=1e-5)


@points(1.5)
@pytest.mark.parametrize("n", [5, 1])
def test_random_vectors(student, rng, n):
    """L1 and L2 norms as 0-d float32 tensors"""
    x = torch.randn(n, generator=rng) * 3
    check_pair(student.vector_norms(x), x)


@points(1)
def test_float64_kept(student, rng):
    """the norms keep the dtype of x (float64 here)"""
    x = torch.randn(7, generator=rng, dtype=torch.float64)
    check_pair(student.vector_norms(x), x)
