import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, describe_type, describe_type_zh, points


def random_joint(rng, m, n):
    J = torch.rand(m, n, generator=rng) + 0.05
    return J / J.sum()


@points(1)
@pytest.mark.parametrize("m, n", [(2, 3), (3, 3), (5, 2), (4, 4)], ids=["2x3", "3x3", "5x2", "4x4"])
def test_marginals_and_conditional(student, rng, m, n):
    """P(A), P(B) and P(B | A) of a random joint table (square and not)
    zh: 随机联合概率表的 P(A)、P(B) 和 P(B | A)（方阵和非方阵都测）"""
    J = random_joint(rng, m, n)
    out = student.marginals_and_conditional(J)
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            "marginals_and_conditional(J) should return a tuple (p_a, p_b, p_b_given_a), but it "
            f"returned {describe_type(out)}.",
            zh="marginals_and_conditional(J) 应当返回元组 (p_a, p_b, p_b_given_a)，"
            f"但它返回的是{describe_type_zh(out)}。",
        )
    p_a = J.sum(dim=1)
    expected = (p_a, J.sum(dim=0), J / p_a.reshape(-1, 1))
    for got, want, name in zip(out, expected, ("p_a", "p_b", "p_b_given_a")):
        check_tensor(
            got,
            want,
            Text(f"{name} for a random {m}x{n} table", zh=f"随机的 {m}x{n} 表上的 {name}"),
            rtol=1e-4,
            atol=1e-6,
        )
