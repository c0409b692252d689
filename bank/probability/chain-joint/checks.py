import pytest
import torch

from grader.judge import Text, check_tensor, points


def rows_summing_to_one(rng, *shape):
    table = torch.rand(*shape, generator=rng) + 0.05
    return table / table.sum(dim=-1, keepdim=True)


@points(1.25)
@pytest.mark.parametrize(
    "k_a, k_b, k_c",
    [(2, 3, 4), (4, 2, 3), (3, 3, 3), (2, 2, 2)],
    ids=["2-3-4", "4-2-3", "3-3-3", "2-2-2"],
)
def test_chain_joint(student, rng, k_a, k_b, k_c):
    """J[a, b, c] = P(A=a) P(B=b | A=a) P(C=c | B=b) for random tables
    zh: 对随机的概率表，J[a, b, c] = P(A=a) P(B=b | A=a) P(C=c | B=b)"""
    p_a = rows_summing_to_one(rng, k_a)
    p_b_given_a = rows_summing_to_one(rng, k_a, k_b)
    p_c_given_b = rows_summing_to_one(rng, k_b, k_c)
    expected = torch.einsum("a,ab,bc->abc", p_a, p_b_given_a, p_c_given_b)
    check_tensor(
        student.chain_joint(p_a, p_b_given_a, p_c_given_b),
        expected,
        Text(
            f"chain_joint(...) for random tables with kA={k_a}, kB={k_b}, kC={k_c}",
            zh=f"kA={k_a}、kB={k_b}、kC={k_c} 的随机概率表上的 chain_joint(...)",
        ),
        rtol=1e-4,
        atol=1e-7,
    )
