import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def positive(shape, rng):
    """Positive entries; rows scaled differently so that no two rows have the same sum."""
    scales = torch.arange(1, shape[0] + 1, dtype=torch.float32).reshape(-1, 1)
    return (torch.rand(shape, generator=rng) + 0.1) * scales


@points(1)
@pytest.mark.parametrize("m, n", [(3, 5), (4, 2), (3, 3), (2, 4)])
def test_rows_sum_to_one(student, rng, variant, m, n):
    """every row divided by its own sum (square and non-square); A left unchanged
    zh: 每一行除以它自己的和（方阵和非方阵都测）；A 保持不变"""
    A = positive((m, n), rng)
    call = student.call("normalize_rows", A)
    check_tensor(
        call.unwrap(),
        A / A.sum(axis=1, keepdims=True) * variant["total"][0],  # every row sums to total[0]
        Text(f"normalize_rows(A) for a {m}x{n} A", zh=f"normalize_rows(A)（A 为 {m}x{n}）"),
        rtol=1e-5,
        atol=1e-6,
    )
    check_unchanged(call.input_after(0), A, "A")
