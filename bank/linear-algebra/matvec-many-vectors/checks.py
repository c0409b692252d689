import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def check_rows(student, A, X, what, **tolerances):
    call = student.call("matvec_rows", A, X)
    check_tensor(call.unwrap(), X @ A.T, what, **tolerances)
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), X, "X")


@points(1)
@pytest.mark.parametrize("m, n, batch", [(2, 5, 4), (4, 4, 3), (3, 2, 3)])
def test_rows(student, rng, m, n, batch):
    """row i of the result is A xᵢ (square and non-square A); A and X unchanged
    zh: 结果的第 i 行是 A xᵢ（A 为方阵和非方阵都测）；A 和 X 保持不变"""
    A, X = torch.randn(m, n, generator=rng), torch.randn(batch, n, generator=rng)
    check_rows(
        student,
        A,
        X,
        Text(
            f"matvec_rows(A, X) for a {m}x{n} A and {batch} rows",
            zh=f"matvec_rows(A, X)（A 为 {m}x{n}，X 有 {batch} 行）",
        ),
        rtol=1e-5,
        atol=1e-5,
    )


@points(1)
def test_float64_single_row(student, rng):
    """one row of float64 data gives a (1, m) float64 result
    zh: 一行 float64 数据得到形状为 (1, m) 的 float64 结果"""
    A = torch.randn(3, 6, generator=rng, dtype=torch.float64)
    X = torch.randn(1, 6, generator=rng, dtype=torch.float64)
    check_rows(
        student,
        A,
        X,
        Text(
            "matvec_rows(A, X) for one float64 row",
            zh="matvec_rows(A, X)（X 只有一行 float64 数据）",
        ),
        rtol=1e-9,
        atol=1e-9,
    )
