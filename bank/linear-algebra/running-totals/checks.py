import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def check_totals(student, A, what):
    call = student.call("running_totals", A)
    check_tensor(call.unwrap(), A.cumsum(axis=0), what, atol=1e-5)
    check_unchanged(call.input_after(0), A, "A")


@points(0.5)
@pytest.mark.parametrize("m, n", [(4, 3), (2, 5), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """cumulative sums down every column, same shape and dtype; A left unchanged
    zh: 沿每一列往下的累计和，形状和 dtype 不变；A 保持不变"""
    A = torch.randn(m, n, generator=rng)
    check_totals(
        student,
        A,
        Text(f"running_totals(A) for a {m}x{n} A", zh=f"running_totals(A)（A 为 {m}x{n}）"),
    )


@points(0.5)
@pytest.mark.parametrize("m, n", [(5, 2), (6, 1)])
def test_integer_matrices(student, rng, m, n):
    """int64 input gives int64 totals; A left unchanged
    zh: int64 输入得到 int64 的累计和；A 保持不变"""
    A = torch.randint(0, 50, (m, n), generator=rng)
    check_totals(
        student,
        A,
        Text(
            f"running_totals(A) for an int64 {m}x{n} A",
            zh=f"running_totals(A)（A 为 {m}x{n} 的 int64 矩阵）",
        ),
    )
