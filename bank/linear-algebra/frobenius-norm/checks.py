import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(X):
    return (X.double() ** 2).sum().sqrt().to(X.dtype)


def check_norm(student, X):
    check_tensor(
        student.frobenius_norm(X),
        expected(X),
        Text(
            f"frobenius_norm(X) for X of shape {tuple(X.shape)}",
            zh=f"frobenius_norm(X)（X 的形状为 {tuple(X.shape)}）",
        ),
        rtol=1e-5,
        atol=1e-5,
    )


@points(0.5)
@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4), (4, 1, 2)])
def test_float32(student, rng, shape):
    """one 0-d float32 number for a matrix or a tensor with 3 axes
    zh: 矩阵和有 3 个轴的张量都得到一个 0 维 float32 数"""
    check_norm(student, torch.randn(shape, generator=rng) * 3)


@points(0.5)
def test_vector_and_square_matrix(student, rng):
    """one 0-d number for a vector and for a square matrix
    zh: 向量和方阵都得到一个 0 维的数"""
    check_norm(student, torch.randn(6, generator=rng))
    check_norm(student, torch.randn(4, 4, generator=rng))


@points(0.5)
def test_float64_and_input_unchanged(student, rng):
    """float64 stays float64, and X is left unchanged
    zh: float64 输入仍得到 float64，且 X 保持不变"""
    X = torch.randn(3, 5, 2, generator=rng, dtype=torch.float64)
    call = student.call("frobenius_norm", X)
    check_tensor(
        call.unwrap(),
        expected(X),
        Text("frobenius_norm(X) for a float64 X", zh="frobenius_norm(X)（X 为 float64）"),
        rtol=1e-9,
    )
    check_unchanged(call.input_after(0), X, "X")
