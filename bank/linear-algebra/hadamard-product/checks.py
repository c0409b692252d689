import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def check_product(student, A, B, what):
    call = student.call("hadamard", A, B)
    check_tensor(call.unwrap(), A * B, what)
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), B, "B")


@points(0.5)
@pytest.mark.parametrize("m, n", [(3, 5), (3, 3)])
def test_float_matrices(student, rng, m, n):
    """A ⊙ B entry by entry for float matrices, A and B left unchanged
    zh: 浮点矩阵逐元素相乘得到 A ⊙ B；A 和 B 保持不变"""
    A, B = torch.randn(m, n, generator=rng), torch.randn(m, n, generator=rng)
    check_product(
        student,
        A,
        B,
        Text(f"hadamard(A, B) for {m}x{n} A and B", zh=f"hadamard(A, B)（A 和 B 为 {m}x{n}）"),
    )


@points(0.5)
@pytest.mark.parametrize("m, n", [(2, 4), (4, 1)])
def test_integer_matrices(student, rng, m, n):
    """int64 inputs give an int64 product, A and B left unchanged
    zh: int64 输入得到 int64 的乘积；A 和 B 保持不变"""
    A = torch.randint(-9, 10, (m, n), generator=rng)
    B = torch.randint(-9, 10, (m, n), generator=rng)
    check_product(
        student,
        A,
        B,
        Text(
            f"hadamard(A, B) for int64 {m}x{n} A and B",
            zh=f"hadamard(A, B)（A 和 B 为 {m}x{n} 的 int64 矩阵）",
        ),
    )
