import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X):
    return X.to(torch.float64).mean(axis=0).to(torch.float32)


@points(0.5)
@pytest.mark.parametrize("n, d", [(5, 3), (2, 6), (3, 7)])
def test_float_data(student, rng, n, d):
    """the mean of every column, float32 of shape (d,)"""
    X = torch.randn(n, d, generator=rng) * 5
    check_tensor(
        student.feature_means(X), expected(X), f"feature_means(X) for a {n}x{d} X", atol=1e-5
    )


@points(0.5)
def test_integer_data(student, rng):
    """int64 data gives float32 means"""
    X = torch.randint(-20, 20, (3, 5), generator=rng)
    check_tensor(student.feature_means(X), expected(X), "feature_means(X) for an int64 X")


@points(0.5)
def test_input_unchanged(student, rng):
    """correct for int64 data, and X is left unchanged"""
    X = torch.randint(-20, 20, (4, 2), generator=rng)
    call = student.call("feature_means", X)
    check_tensor(call.unwrap(), expected(X), "feature_means(X)", atol=1e-5)
    check_unchanged(call.input_after(0), X, "X")
