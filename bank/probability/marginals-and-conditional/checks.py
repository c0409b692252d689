import pytest
import torch

from grader.judge import CheckFailed, check_tensor, describe_type, points


def random_joint(rng, m, n):
    J = torch.rand(m, n, generator=rng) + 0.05
    return J / J.sum()


@points(1)
@pytest.mark.parametrize("m, n", [(2, 3), (3, 3), (5, 2), (4, 4)], ids=["2x3", "3x3", "5x2", "4x4"])
def test_marginals_and_conditional(student, rng, m, n):
    """P(A), P(B) and P(B | A) of a random joint table (square and not)"""
    J = random_joint(rng, m, n)
    out = student.marginals_and_conditional(J)
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            "marginals_and_conditional(J) should return a tuple (p_a, p_b, p_b_given_a), but it "
            f"returned {describe_type(out)}."
        )
    p_a = J.sum(dim=1)
    expected = (p_a, J.sum(dim=0), J / p_a.reshape(-1, 1))
    for got, want, name in zip(out, expected, ("p_a", "p_b", "p_b_given_a")):
        check_tensor(got, want, f"{name} for a random {m}x{n} table", rtol=1e-4, atol=1e-6)
