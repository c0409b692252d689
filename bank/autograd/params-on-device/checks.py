import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    describe_type,
    describe_type_zh,
    device_of,
    points,
    remote_info,
)


def check_device(tensor, device, what):
    got, want = torch.device(device_of(tensor)), torch.device(device)
    if got.type != want.type or None not in (got.index, want.index) and got.index != want.index:
        raise CheckFailed(
            f"{what} is on device {got}, but it should be on {want}.",
            zh=f"{getattr(what, 'zh', what)} 在设备 {got} 上，但它应当在 {want} 上。",
        )


def unpack(out, n, device):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"init_params should return a pair (w, b), but it returned {describe_type(out)}.",
            zh=f"init_params 应当返回二元组 (w, b)，但它返回的是{describe_type_zh(out)}。",
        )
    w, b = out
    where = f"init_params({n}, {device!r})"
    meta = torch.device("meta")
    check_tensor(
        w,
        torch.empty(n, 1, device=meta),
        Text(f"w from {where}", zh=f"{where} 返回的 w"),
        check_device=False,
    )
    check_tensor(
        b,
        torch.empty(1, device=meta),
        Text(f"b from {where}", zh=f"{where} 返回的 b"),
        check_device=False,
    )
    for name, tensor in (("w", w), ("b", b)):
        check_device(tensor, device, Text(f"{name} from {where}", zh=f"{where} 返回的 {name}"))
        info = remote_info(tensor)
        if info is None or not info.requires_grad:
            raise CheckFailed(
                f"{name} from {where} does not require grad.",
                zh=f"{where} 返回的 {name} 不要求梯度。",
            )
        if not info.is_leaf:
            raise CheckFailed(
                f"{name} from {where} is not a leaf tensor: it was made by an operation "
                "(such as .to(device) or * 0.01) on a tensor that requires grad.",
                zh=f"{where} 返回的 {name} 不是叶子张量：它是对要求梯度的张量做运算"
                "（例如 .to(device) 或 * 0.01）得到的。",
            )
    return w, b


def check_leaves_elsewhere(student):
    """Leaves made directly on another device: the meta device stands in for a GPU on a CPU
    runner (a leaf made on the CPU and then moved is not a leaf there)."""
    unpack(student.init_params(4, "meta"), 4, "meta")


@points(1)
def test_leaves_on_the_device(student, device):
    """w and b are float32 leaves that require grad, on the given device; b is zero
    zh: w 和 b 是要求梯度的 float32 叶子张量，位于给定的设备上；b 为零"""
    w, b = unpack(student.init_params(3, device), 3, device)
    check_tensor(b.detach(), torch.zeros(1, device=device), "b")
    check_leaves_elsewhere(student)


@points(1)
@pytest.mark.parametrize("as_object", [False, True], ids=["str", "torch.device"])
def test_created_directly_on_the_device(student, as_object):
    """leaves created directly on another device, given as a str or a torch.device (checked with the meta device)
    zh: 直接在另一个设备上创建叶子张量，设备以 str 或 torch.device 给出（用 meta 设备检查）"""
    device = torch.device("meta") if as_object else "meta"
    unpack(student.init_params(4, device), 4, device)


@points(2)
def test_distribution_of_w(student):
    """w has mean about 0 and standard deviation about 0.01, and is a leaf on any device
    zh: w 的均值约为 0、标准差约为 0.01，且在任何设备上都是叶子张量"""
    n = 4000
    w, _ = unpack(student.init_params(n, "cpu"), n, "cpu")
    check_leaves_elsewhere(student)
    w = w.detach().double()
    std = float(w.std())
    if not 0.009 < std < 0.011:
        raise CheckFailed(
            "the standard deviation of w's values is not 0.01.",
            zh="w 中各值的标准差不是 0.01。",
        )
    if abs(float(w.mean())) > 0.0015:
        raise CheckFailed(
            "the mean of w's values is too far from 0.", zh="w 中各值的均值离 0 太远。"
        )
