import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X):
    return torch.cat((X, torch.ones_like(X[:, :1])), dim=1)


@points(0.5)
@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float64, torch.int64], ids=["float32", "float64", "int64"]
)
def test_values_dtype_device(student, rng, device, dtype):
    """X's columns then a column of ones, with X's dtype, on X's device"""
    X = (torch.randn(4, 3, generator=rng) * 10).to(dtype).to(device)
    call = student.call("add_ones_column", X)
    check_tensor(call.unwrap(), expected(X), f"add_ones_column(X) for a 4x3 {dtype} X on {device}")
    check_unchanged(call.input_after(0), X, "X")


@points(1)
def test_follows_the_device(student):
    """the result is on X's device (checked with the meta device)"""
    X = torch.empty(5, 2, dtype=torch.float64, device="meta")
    check_tensor(
        student.add_ones_column(X),
        torch.empty(5, 3, dtype=torch.float64, device="meta"),
        "add_ones_column(X) for a 5x2 X on another device",
    )
