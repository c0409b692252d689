import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(0.75)
@pytest.mark.parametrize("n, k, m", [(2, 3, 4), (4, 1, 5), (3, 3, 3), (1, 4, 3)])
def test_product(student, rng, n, k, m):
    """AB of shape (n, m), for non-square and square matrices
    zh: 形状为 (n, m) 的 AB，非方阵和方阵都测"""
    A, B = torch.randn(n, k, generator=rng), torch.randn(k, m, generator=rng)
    check_tensor(
        student.matmul_by_columns(A, B),
        A @ B,
        Text(
            f"matmul_by_columns(A, B) for {n}x{k} A and {k}x{m} B",
            zh=f"matmul_by_columns(A, B)（A 为 {n}x{k}，B 为 {k}x{m}）",
        ),
        atol=1e-5,
    )


@points(1)
def test_float64_and_inputs_unchanged(student, rng):
    """float64 stays float64; A and B are left unchanged
    zh: float64 输入仍得到 float64；A 和 B 保持不变"""
    A = torch.randn(3, 2, generator=rng, dtype=torch.float64)
    B = torch.randn(2, 5, generator=rng, dtype=torch.float64)
    call = student.call("matmul_by_columns", A, B)
    check_tensor(
        call.unwrap(),
        A @ B,
        Text(
            "matmul_by_columns(A, B) for float64 inputs",
            zh="matmul_by_columns(A, B)（输入为 float64）",
        ),
        rtol=1e-9,
        atol=1e-9,
    )
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), B, "B")
