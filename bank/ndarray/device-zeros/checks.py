import pytest
import torch

from grader.judge import Text, check_tensor, points


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float64, torch.int64], ids=["float64", "int64"])
def test_same_shape_dtype_device(student, rng, device, dtype):
    """zeros with X's shape, dtype and device (also for an X on the meta device)
    zh: 全零张量，形状、dtype 和设备都与 X 相同（也测了 meta 设备上的 X）"""
    X = (torch.rand(3, 5, generator=rng) * 10).to(dtype).to(device)
    check_tensor(
        student.zeros_like_on_device(X),
        torch.zeros_like(X),
        Text(
            f"zeros_like_on_device(X) for a {dtype} X on {device}",
            zh=f"X 为 {device} 上的 {dtype} 张量时的 zeros_like_on_device(X)",
        ),
    )
    # The meta device lets a CPU runner see whether the zeros follow X's device.
    rows, cols = (int(v) for v in torch.randint(2, 6, (2,), generator=rng))
    M = torch.empty(rows, cols, dtype=dtype, device="meta")
    check_tensor(
        student.zeros_like_on_device(M),
        torch.empty(rows, cols, dtype=dtype, device="meta"),
        Text(
            f"zeros_like_on_device(X) for a {dtype} X on another device (meta)",
            zh=f"X 为另一个设备（meta）上的 {dtype} 张量时的 zeros_like_on_device(X)",
        ),
    )
