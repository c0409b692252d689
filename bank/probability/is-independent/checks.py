import pytest
import torch

from grader.judge import CheckFailed, Text, describe_type, describe_type_zh, points


def probabilities(rng, k):
    p = torch.rand(k, generator=rng) + 0.2
    return p / p.sum()


def distinct(rng, low, high, count):
    """`count` different ints in [low, high)."""
    return (torch.randperm(high - low, generator=rng)[:count] + low).tolist()


def cases(rng, m, n):
    """(J, tol, independent within tol?, what the table is) for one m x n shape (m, n >= 3)."""
    product = torch.outer(probabilities(rng, m), probabilities(rng, n))
    delta = 0.25 * float(product.min())
    # D has zero row and column sums, so J = product + D keeps the marginals of product and
    # J - P(A)P(B)ᵀ = D: its largest deviation is exactly known.
    i1, i2 = distinct(rng, 1, m, 2)  # rows and columns other than 0: a check of cell (0, 0)
    j1, j2 = distinct(rng, 1, n, 2)  # alone sees no deviation
    block = torch.zeros(m, n)
    block[i1, j1], block[i2, j2], block[i1, j2], block[i2, j1] = delta, delta, -delta, -delta
    # u vᵀ with u, v summing to 0: one deviation of -2δ, the positive ones at most δ.
    rows, cols = distinct(rng, 0, m, 3), distinct(rng, 0, n, 3)
    skewed = torch.zeros(m, n)
    u, v = torch.tensor([2.0, -1.0, -1.0]), torch.tensor([-1.0, 0.5, 0.5])
    skewed[torch.tensor(rows)[:, None], torch.tensor(cols)[None, :]] = delta * torch.outer(u, v)
    generic = torch.rand(m, n, generator=rng) + 0.05
    generic = generic / generic.sum()
    gap = float((generic - torch.outer(generic.sum(1), generic.sum(0))).abs().max())
    return [
        (
            product,
            1e-6,
            True,
            Text(
                "a table equal to the outer product of two probability vectors",
                zh="等于两个概率向量外积的表",
            ),
        ),
        (
            generic,
            gap / 2,
            False,
            Text(
                "a random table, with tol half its largest deviation",
                zh="随机表（tol 为其最大偏差的一半）",
            ),
        ),
        (
            product + block,
            2 * delta,
            True,
            Text(
                "a table whose largest deviation is δ, tol = 2δ", zh="最大偏差为 δ 的表（tol = 2δ）"
            ),
        ),
        (
            product + block,
            delta / 2,
            False,
            Text(
                "a table whose largest deviation is δ, tol = δ/2",
                zh="最大偏差为 δ 的表（tol = δ/2）",
            ),
        ),
        (
            product + skewed,
            1.5 * delta,
            False,
            Text(
                "a table whose largest deviation is 2δ, tol = 1.5δ",
                zh="最大偏差为 2δ 的表（tol = 1.5δ）",
            ),
        ),
    ]


def as_bool(value):
    if type(value) is torch.Tensor and value.numel() == 1 and value.dtype == torch.bool:
        return bool(value)
    return value


@points(1)
@pytest.mark.parametrize("m, n", [(3, 3), (3, 5), (4, 3)], ids=["3x3", "3x5", "4x3"])
def test_is_independent(student, rng, m, n):
    """independent and dependent tables, with the tolerance honoured
    zh: 独立和不独立的联合概率表，并且遵守容差 tol"""
    for J, tol, independent, what in cases(rng, m, n):
        answer = as_bool(student.is_independent(J, tol))
        if type(answer) is not bool:
            raise CheckFailed(
                f"is_independent(J, tol) should return a bool, but it returned {describe_type(answer)}.",
                zh=f"is_independent(J, tol) 应当返回一个 bool，但它返回的是{describe_type_zh(answer)}。",
            )
        if answer is not independent:
            raise CheckFailed(
                f"is_independent(J, tol) is not right for {what} ({m}x{n}).",
                zh=f"对于 {m}x{n} 的{what.zh}，is_independent(J, tol) 的结果不对。",
            )
