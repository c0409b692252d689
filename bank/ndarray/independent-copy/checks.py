import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, points, remote_info


def check_no_history(result, what):
    info = remote_info(result)
    if info is not None and info.requires_grad:
        raise CheckFailed(
            f"{what} still requires grad: it is connected to A's autograd graph.",
            zh=f"{what.zh} 仍然 requires grad：它还连在 A 的自动微分计算图上。",
        )


def check_own_memory(call, what):
    if call.returned_argument(0):
        raise CheckFailed(
            f"{what} is A itself, not a copy.", zh=f"{what.zh} 就是 A 本身，不是副本。"
        )
    if call.result_shares_storage_with(0):
        raise CheckFailed(
            f"{what} shares A's memory: writing into it would change A.",
            zh=f"{what.zh} 与 A 共享内存：写入它会改变 A。",
        )


@points(1.25)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_independent_copy(student, rng, device, dtype):
    """same values, dtype and device as A, its own memory, no autograd history (also for an
    int64 A, and for an A on the meta device)
    zh: 数值、dtype 和设备都与 A 相同，有自己的内存，没有自动微分历史（也测了 int64 的 A 和 meta 设备上的 A）"""
    A = torch.randn(3, 4, generator=rng, dtype=dtype).to(device).requires_grad_(True)
    what = Text(
        f"independent_copy(A) for a {dtype} A that requires grad, on {device}",
        zh=f"A 为 {device} 上 requires grad 的 {dtype} 张量时的 independent_copy(A)",
    )
    call = student.call("independent_copy", A)
    check_tensor(call.unwrap(), A.detach(), what)
    check_no_history(call.result, what)
    check_own_memory(call, what)

    B = torch.randint(-9, 10, (2, 5), generator=rng).to(device)
    what = Text(
        f"independent_copy(A) for an int64 A on {device}",
        zh=f"A 为 {device} 上的 int64 张量时的 independent_copy(A)",
    )
    call = student.call("independent_copy", B)
    check_tensor(call.unwrap(), B, what)
    check_own_memory(call, what)

    # The meta device lets a CPU runner see whether the copy stays on A's device.
    M = torch.empty(2, 3, dtype=dtype, device="meta").requires_grad_(True)
    what = Text(
        f"independent_copy(A) for a {dtype} A on another device (meta)",
        zh=f"A 为另一个设备（meta）上的 {dtype} 张量时的 independent_copy(A)",
    )
    result = student.independent_copy(M)
    check_tensor(result, torch.empty(2, 3, dtype=dtype, device="meta"), what)
    check_no_history(result, what)
