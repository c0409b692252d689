import pytest
import torch

from grader.judge import CheckFailed, check_tensor, describe_type, device_of, points, remote_info


def check_device(tensor, device, what):
    got, want = torch.device(device_of(tensor)), torch.device(device)
    if got.type != want.type or None not in (got.index, want.index) and got.index != want.index:
        raise CheckFailed(f"{what} is on device {got}, but it should be on {want}.")


def unpack(out, n, device):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"init_params should return a pair (w, b), but it returned {describe_type(out)}."
        )
    w, b = out
    where = f"init_params({n}, {device!r})"
    meta = torch.device("meta")
    check_tensor(w, torch.empty(n, 1, device=meta), f"w from {where}", check_device=False)
    check_tensor(b, torch.empty(1, device=meta), f"b from {where}", check_device=False)
    for name, tensor in (("w", w), ("b", b)):
        check_device(tensor, device, f"{name} from {where}")
        info = remote_info(tensor)
        if info is None or not info.requires_grad:
            raise CheckFailed(f"{name} from {where} does not require grad.")
        if not info.is_leaf:
            raise CheckFailed(
                f"{name} from {where} is not a leaf tensor: it was made by an operation "
                "(such as .to(device) or * 0.01) on a tensor that requires grad."
            )
    return w, b


def check_leaves_elsewhere(student):
    """Leaves made directly on another device: the meta device stands in for a GPU on a CPU
    runner (a leaf made on the CPU and then moved is not a leaf there)."""
    unpack(student.init_params(4, "meta"), 4, "meta")


@points(1)
def test_leaves_on_the_device(student, device):
    """w and b are float32 leaves that require grad, on the given device; b is zero"""
    w, b = unpack(student.init_params(3, device), 3, device)
    check_tensor(b.detach(), torch.zeros(1, device=device), "b")
    check_leaves_elsewhere(student)


@points(1)
@pytest.mark.parametrize("as_object", [False, True], ids=["str", "torch.device"])
def test_created_directly_on_the_device(student, as_object):
    """leaves created directly on another device, given as a str or a torch.device (checked with the meta device)"""
    device = torch.device("meta") if as_object else "meta"
    unpack(student.init_params(4, device), 4, device)


@points(2)
def test_distribution_of_w(student):
    """w has mean about 0 and standard deviation about 0.01, and is a leaf on any device"""
    n = 4000
    w, _ = unpack(student.init_params(n, "cpu"), n, "cpu")
    check_leaves_elsewhere(student)
    w = w.detach().double()
    std = float(w.std())
    if not 0.009 < std < 0.011:
        raise CheckFailed("the standard deviation of w's values is not 0.01.")
    if abs(float(w.mean())) > 0.0015:
        raise CheckFailed("the mean of w's values is too far from 0.")
