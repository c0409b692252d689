import pytest
import torch

from grader.judge import check_tensor, points


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float64, torch.int64], ids=["float64", "int64"])
def test_same_shape_dtype_device(student, rng, device, dtype):
    """zeros with X's shape, dtype and device (also for an X on the meta device)"""
    X = (torch.rand(3, 5, generator=rng) * 10).to(dtype).to(device)
    check_tensor(
        student.zeros_like_on_device(X),
        torch.zeros_like(X),
        f"zeros_like_on_device(X) for a {dtype} X on {device}",
    )
    # The meta device lets a CPU runner see whether the zeros follow X's device.
    rows, cols = (int(v) for v in torch.randint(2, 6, (2,), generator=rng))
    M = torch.empty(rows, cols, dtype=dtype, device="meta")
    check_tensor(
        student.zeros_like_on_device(M),
        torch.empty(rows, cols, dtype=dtype, device="meta"),
        f"zeros_like_on_device(X) for a {dtype} X on another device (meta)",
    )
