import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points, remote_info


def check_no_history(result, what):
    info = remote_info(result)
    if info is not None and info.requires_grad:
        raise CheckFailed(f"{what} still requires grad: it is connected to A's autograd graph.")


def check_own_memory(call, what):
    if call.returned_argument(0):
        raise CheckFailed(f"{what} is A itself, not a copy.")
    if call.result_shares_storage_with(0):
        raise CheckFailed(f"{what} shares A's memory: writing into it would change A.")


@points(1.25)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_independent_copy(student, rng, device, dtype):
    """same values, dtype and device as A, its own memory, no autograd history (also for an
    int64 A, and for an A on the meta device)"""
    A = torch.randn(3, 4, generator=rng, dtype=dtype).to(device).requires_grad_(True)
    what = f"independent_copy(A) for a {dtype} A that requires grad, on {device}"
    call = student.call("independent_copy", A)
    check_tensor(call.unwrap(), A.detach(), what)
    check_no_history(call.result, what)
    check_own_memory(call, what)

    B = torch.randint(-9, 10, (2, 5), generator=rng).to(device)
    what = f"independent_copy(A) for an int64 A on {device}"
    call = student.call("independent_copy", B)
    check_tensor(call.unwrap(), B, what)
    check_own_memory(call, what)

    # The meta device lets a CPU runner see whether the copy stays on A's device.
    M = torch.empty(2, 3, dtype=dtype, device="meta").requires_grad_(True)
    what = f"independent_copy(A) for a {dtype} A on another device (meta)"
    result = student.independent_copy(M)
    check_tensor(result, torch.empty(2, 3, dtype=dtype, device="meta"), what)
    check_no_history(result, what)
