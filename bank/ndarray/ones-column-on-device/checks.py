import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(X):
    return torch.cat((X, torch.ones_like(X[:, :1])), dim=1)


@points(1)
def test_values_dtype_device(student, rng, device):
    """X's columns then a column of ones, with X's dtype, on X's device (also for X on the meta
    device)
    zh: X 的各列后面再接一列 1，dtype 和设备与 X 相同（也测了 meta 设备上的 X）"""
    for dtype in (torch.float64, torch.int64):
        X = (torch.randn(4, 3, generator=rng) * 10).to(dtype).to(device)
        call = student.call("add_ones_column", X)
        what = Text(
            f"add_ones_column(X) for a 4x3 {dtype} X on {device}",
            zh=f"X 为 {device} 上 4x3 的 {dtype} 张量时的 add_ones_column(X)",
        )
        check_tensor(call.unwrap(), expected(X), what)
        check_unchanged(call.input_after(0), X, "X")
    # The meta device lets a CPU runner see whether the ones follow X's device.
    for dtype in (torch.float32, torch.int32):
        M = torch.empty(5, 2, dtype=dtype, device="meta")
        check_tensor(
            student.add_ones_column(M),
            torch.empty(5, 3, dtype=dtype, device="meta"),
            Text(
                f"add_ones_column(X) for a 5x2 {dtype} X on another device (meta)",
                zh=f"X 为另一个设备（meta）上 5x2 的 {dtype} 张量时的 add_ones_column(X)",
            ),
        )
