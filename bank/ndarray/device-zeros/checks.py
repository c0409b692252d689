import pytest
import torch

from grader.judge import check_tensor, points


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_same_shape_dtype_device(student, rng, device, dtype):
    """zeros with X's shape, dtype and device"""
    X = (torch.rand(3, 5, generator=rng) * 10).to(dtype).to(device)
    check_tensor(
        student.zeros_like_on_device(X),
        torch.zeros_like(X),
        f"zeros_like_on_device(X) for a {dtype} X on {device}",
    )


@points(1)
def test_follows_the_device(student):
    """creates the zeros on X's device, not always on the CPU (checked with the meta device)"""
    X = torch.empty(2, 4, dtype=torch.float64, device="meta")
    check_tensor(
        student.zeros_like_on_device(X),
        torch.empty(2, 4, dtype=torch.float64, device="meta"),
        "zeros_like_on_device(X) for X on another device",
    )
