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
)


def make_batch(rng):
    return {
        "X": torch.randn(4, 3, generator=rng),
        "y": torch.randint(0, 5, (4,), generator=rng),
        "mask": torch.rand(4, generator=rng) > 0.5,
    }


def check_moved(out, batch, device):
    if type(out) is not dict:
        raise CheckFailed(
            f"batch_to should return a dict, but it returned {describe_type(out)}.",
            zh=f"batch_to 应当返回 dict，但它返回了 {describe_type_zh(out)}。",
        )
    if set(out) != set(batch):
        raise CheckFailed(
            "the returned dict does not have the same keys as the batch.",
            zh="返回的 dict 的键与 batch 的不一样。",
        )
    for key, tensor in batch.items():
        check_tensor(
            out[key],
            tensor.to(device),
            Text(
                f"the tensor under {key!r} after batch_to", zh=f"batch_to 之后键 {key!r} 下的张量"
            ),
        )


@points(0.25)
def test_moves_every_tensor(student, rng, device):
    """every tensor is on the device, with its values and dtype (also moved to the meta device)
    zh: 每个张量都在目标设备上，数值和 dtype 不变（也测了移到 meta 设备）"""
    batch = make_batch(rng)
    check_moved(student.batch_to(batch, device), batch, device)
    # On a CPU runner the tensors are already on "cpu": the meta device shows whether they move.
    check_moved(student.batch_to(batch, "meta"), batch, "meta")


@points(0.25)
@pytest.mark.parametrize("as_object", [False, True], ids=["str", "torch.device"])
def test_follows_the_device(student, rng, as_object):
    """moves to another device given as a str or a torch.device (checked with the meta device)
    zh: 目标设备用 str 或 torch.device 给出都能移过去（用 meta 设备检查）"""
    batch = make_batch(rng)
    device = torch.device("meta") if as_object else "meta"
    check_moved(student.batch_to(batch, device), batch, "meta")


@points(1)
def test_caller_dict_unchanged(student, rng):
    """the dict passed in still holds the original CPU tensors
    zh: 传入的 dict 里仍是原来的 CPU 张量"""
    batch = make_batch(rng)
    call = student.call("batch_to", batch, "meta")
    check_moved(call.unwrap(), batch, "meta")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not dict or set(after) != set(batch):
        raise CheckFailed(
            "the keys of the dict passed in were changed.", zh="传入的 dict 的键被改了。"
        )
    for key in batch:
        if type(after[key]) is not torch.Tensor or device_of(after[key]) != "cpu":
            raise CheckFailed(
                f"the dict passed in was modified: {key!r} no longer holds the original tensor.",
                zh=f"传入的 dict 被修改了：{key!r} 下已经不是原来的张量。",
            )
