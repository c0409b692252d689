import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points, remote_info


def check_no_history(result, what):
    info = remote_info(result)
    if info is not None and info.requires_grad:
        raise CheckFailed(f"{what} still requires grad: it is connected to A's autograd graph.")


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64], ids=["float32", "int64"])
def test_same_values_dtype_device(student, rng, device, dtype):
    """same values, shape, dtype and device as A, and no autograd history"""
    A = (torch.randn(3, 4, generator=rng) * 10).to(dtype).to(device)
    if dtype.is_floating_point:
        A.requires_grad_(True)
    result = student.independent_copy(A)
    what = f"independent_copy(A) for a {dtype} A on {device}"
    check_tensor(result, A.detach(), what)
    check_no_history(result, what)


@points(1)
def test_own_memory(student, rng, device):
    """neither A itself nor a view of A's memory"""
    A = torch.randn(5, 2, generator=rng).to(device)
    call = student.call("independent_copy", A)
    check_tensor(call.unwrap(), A, f"independent_copy(A) for A on {device}")
    if call.returned_argument(0):
        raise CheckFailed("independent_copy returned A itself, not a copy.")
    if call.result_shares_storage_with(0):
        raise CheckFailed("the result shares A's memory: writing into it would change A.")


@points(1)
def test_float64_requires_grad(student, rng):
    """a float64 A that requires grad gives a float64 copy without autograd history"""
    A = torch.randn(4, 3, generator=rng, dtype=torch.float64).requires_grad_(True)
    result = student.independent_copy(A)
    what = "independent_copy(A) for a float64 A that requires grad"
    check_tensor(result, A.detach(), what)
    check_no_history(result, what)


@points(1)
def test_follows_the_device(student):
    """the copy stays on A's device (checked with the meta device)"""
    A = torch.empty(2, 5, dtype=torch.float64, device="meta").requires_grad_(True)
    result = student.independent_copy(A)
    what = "independent_copy(A) for A on another device"
    check_tensor(result, torch.empty(2, 5, dtype=torch.float64, device="meta"), what)
    check_no_history(result, what)
