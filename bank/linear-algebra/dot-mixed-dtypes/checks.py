import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def vector(rng, n, dtype):
    if dtype == torch.int64:
        return torch.randint(-9, 10, (n,), generator=rng)
    return torch.randn(n, generator=rng)


def expected(x, y):
    return torch.dot(x.double(), y.double()).float()


def check_dot(student, x, y):
    check_tensor(
        student.dot_product(x, y),
        expected(x, y),
        Text(
            f"dot_product(x, y) for {x.dtype} x and {y.dtype} y",
            zh=f"dot_product(x, y)（x 为 {x.dtype}，y 为 {y.dtype}）",
        ),
        rtol=1e-5,
        atol=1e-5,
    )


# Every check mixes dtypes or has two int64 vectors: the dtypes are the point of the question.
@points(0.5)
@pytest.mark.parametrize(
    "dtype_x, dtype_y",
    [(torch.int64, torch.float32), (torch.float32, torch.int64)],
    ids=["int-float", "float-int"],
)
def test_mixed_dtypes(student, rng, dtype_x, dtype_y):
    """xᵀy as a 0-d float32 tensor for an int64 and a float32 vector
    zh: 一个 int64 向量和一个 float32 向量的 xᵀy，结果是 0 维 float32 张量"""
    check_dot(student, vector(rng, 6, dtype_x), vector(rng, 6, dtype_y))


@points(1)
def test_two_int64_vectors(student, rng):
    """two int64 vectors give a 0-d float32 tensor too
    zh: 两个 int64 向量也得到 0 维 float32 张量"""
    check_dot(student, vector(rng, 6, torch.int64), vector(rng, 6, torch.int64))


@points(0.5)
def test_length_one_and_inputs_unchanged(student, rng):
    """vectors of length 1, left unchanged
    zh: 长度为 1 的向量，且输入保持不变"""
    x, y = vector(rng, 1, torch.float32), vector(rng, 1, torch.int64)
    call = student.call("dot_product", x, y)
    check_tensor(
        call.unwrap(),
        expected(x, y),
        Text("dot_product(x, y) for vectors of length 1", zh="dot_product(x, y)（向量长度为 1）"),
        atol=1e-5,
    )
    check_unchanged(call.input_after(0), x, "x")
    check_unchanged(call.input_after(1), y, "y")
