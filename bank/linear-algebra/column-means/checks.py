import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(X):
    return X.to(torch.float64).mean(axis=0).to(torch.float32)


@points(0.5)
@pytest.mark.parametrize("n, d", [(5, 3), (2, 6), (3, 7)])
def test_float_data(student, rng, n, d):
    """the mean of every column, float32 of shape (d,)
    zh: 每一列的均值，形状为 (d,) 的 float32 张量"""
    X = torch.randn(n, d, generator=rng) * 5
    check_tensor(
        student.feature_means(X),
        expected(X),
        Text(f"feature_means(X) for a {n}x{d} X", zh=f"feature_means(X)（X 为 {n}x{d}）"),
        atol=1e-5,
    )


@points(0.5)
def test_integer_data(student, rng):
    """int64 data gives float32 means
    zh: int64 数据得到 float32 的均值"""
    X = torch.randint(-20, 20, (3, 5), generator=rng)
    check_tensor(
        student.feature_means(X),
        expected(X),
        Text("feature_means(X) for an int64 X", zh="feature_means(X)（X 为 int64）"),
    )


@points(0.5)
def test_input_unchanged(student, rng):
    """correct for int64 data, and X is left unchanged
    zh: int64 数据上结果正确，且 X 保持不变"""
    X = torch.randint(-20, 20, (4, 2), generator=rng)
    call = student.call("feature_means", X)
    check_tensor(call.unwrap(), expected(X), "feature_means(X)", atol=1e-5)
    check_unchanged(call.input_after(0), X, "X")
