import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X):
    return torch.cat((X, torch.ones_like(X[:, :1])), dim=1)


@points(1)
def test_values_dtype_device(student, rng, device):
    """X's columns then a column of ones, with X's dtype, on X's device (also for X on the meta
    device)"""
    for dtype in (torch.float64, torch.int64):
        X = (torch.randn(4, 3, generator=rng) * 10).to(dtype).to(device)
        call = student.call("add_ones_column", X)
        what = f"add_ones_column(X) for a 4x3 {dtype} X on {device}"
        check_tensor(call.unwrap(), expected(X), what)
        check_unchanged(call.input_after(0), X, "X")
    # The meta device lets a CPU runner see whether the ones follow X's device.
    for dtype in (torch.float32, torch.int32):
        M = torch.empty(5, 2, dtype=dtype, device="meta")
        check_tensor(
            student.add_ones_column(M),
            torch.empty(5, 3, dtype=dtype, device="meta"),
            f"add_ones_column(X) for a 5x2 {dtype} X on another device (meta)",
        )
