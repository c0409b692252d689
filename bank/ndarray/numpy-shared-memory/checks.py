import numpy as np
import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_values,
    describe_type,
    describe_type_zh,
    points,
)

DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64}


def make_array(rng, shape, dtype):
    values = torch.randn(shape, generator=rng, dtype=torch.float64) * 5
    return values.numpy().astype(DTYPES[dtype])


def check_caller_array(call, A, what):
    after = call.args_after[0] if len(call.args_after) == 1 else None
    if type(after) is not np.ndarray or after.shape != A.shape or after.dtype != A.dtype:
        raise CheckFailed(
            f"the caller's A should still be a {what}.", zh=f"调用方的 A 应当仍是{what.zh}。"
        )
    if np.array_equal(after, A):
        raise CheckFailed(
            "the caller's A did not change: the tensor does not share A's memory, "
            "or the addition was not done in place.",
            zh="调用方的 A 没有变化：张量没有与 A 共享内存，或者加法不是原地做的。",
        )
    check_values(
        torch.from_numpy(after),
        torch.from_numpy(A + 1),
        Text("the caller's A after the call", zh="调用之后调用方的 A"),
    )


@points(1)
@pytest.mark.parametrize(
    "shape, dtype", [((3, 4), "float64"), ((5,), "float32"), ((2, 3), "int64")]
)
def test_caller_array_sees_the_change(student, rng, shape, dtype):
    """the caller's array A holds A + 1 afterwards (the tensor shares its memory)
    zh: 调用之后，调用方的数组 A 等于 A + 1（张量与它共享内存）"""
    A = make_array(rng, shape, dtype)
    call = student.call("add_one_through_tensor", A)
    call.unwrap()
    check_caller_array(
        call, A, Text(f"{dtype} array of shape {shape}", zh=f"形状为 {shape} 的 {dtype} 数组")
    )


@points(1)
def test_returned_tensor(student, rng):
    """returns a tensor holding A + 1 with the dtype matching A (and A itself changed)
    zh: 返回一个等于 A + 1、dtype 与 A 对应的张量（A 本身也被改变）"""
    A = make_array(rng, (4, 2), "float64")
    call = student.call("add_one_through_tensor", A)
    result = call.unwrap()
    if type(result) is not torch.Tensor:
        raise CheckFailed(
            f"the result should be a torch.Tensor, but it is {describe_type(result)}.",
            zh=f"返回值应当是 torch.Tensor，但它是{describe_type_zh(result)}。",
        )
    check_tensor(
        result,
        torch.from_numpy(A + 1),
        Text(
            "add_one_through_tensor(A) for a float64 A",
            zh="A 为 float64 时的 add_one_through_tensor(A)",
        ),
    )
    check_caller_array(
        call, A, Text("float64 array of shape (4, 2)", zh="形状为 (4, 2) 的 float64 数组")
    )
