import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(x):
    return x.mean() if x.is_floating_point() else x.float().mean()


@points(1)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_floating(student, rng, dtype):
    """the mean of all entries, in x's floating dtype"""
    x = torch.randn(3, 4, generator=rng, dtype=dtype) + 0.5
    check_tensor(
        student.mean_of(x), expected(x), f"mean_of(x) for a 3x4 {dtype} x", rtol=1e-5, atol=1e-6
    )


@points(1)
def test_int64(student, rng):
    """an int64 x gives a float32 mean; x is left unchanged"""
    x = torch.randint(-10, 30, (2, 5, 3), generator=rng)
    call = student.call("mean_of", x)
    check_tensor(call.unwrap(), expected(x), "mean_of(x) for a 2x5x3 int64 x", rtol=1e-5, atol=1e-6)
    check_unchanged(call.input_after(0), x, "x")


@points(1)
def test_bool(student, rng):
    """a boolean x gives the fraction of True entries as float32"""
    x = torch.rand(4, 7, generator=rng) > 0.3
    check_tensor(
        student.mean_of(x), expected(x), "mean_of(x) for a 4x7 bool x", rtol=1e-5, atol=1e-6
    )
