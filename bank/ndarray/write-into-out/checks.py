import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_unchanged,
    describe_type,
    describe_type_zh,
    points,
)


def check_returns_out(call):
    result = call.unwrap()
    if type(result) is not torch.Tensor:
        raise CheckFailed(
            f"add_into_out should return out, but it returned {describe_type(result)}.",
            zh=f"add_into_out 应当返回 out，但它返回了 {describe_type_zh(result)}。",
        )
    if not call.returned_argument(2):
        raise CheckFailed(
            "add_into_out returned a different tensor, not the out it was given.",
            zh="add_into_out 返回了另一个张量，而不是传给它的 out。",
        )


@points(1)
@pytest.mark.parametrize(
    "shape_x, shape_y", [((3, 4), (3, 4)), ((2, 5), (5,))], ids=["same-shape", "broadcast"]
)
def test_out_holds_the_sum(student, rng, shape_x, shape_y):
    """the caller's out holds X + Y afterwards; X and Y are unchanged
    zh: 调用之后，调用方的 out 等于 X + Y；X 和 Y 保持不变"""
    X, Y = torch.randn(shape_x, generator=rng), torch.randn(shape_y, generator=rng)
    out = torch.randn(shape_x, generator=rng)
    call = student.call("add_into_out", X, Y, out)
    call.unwrap()
    check_tensor(
        call.input_after(2),
        X + Y,
        Text("the caller's out after the call", zh="调用之后调用方的 out"),
    )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), Y, "Y")


@points(1)
def test_returns_out_itself(student, rng):
    """returns the very tensor object passed as out
    zh: 返回的正是作为 out 传入的那个张量对象"""
    X, Y = torch.randn(4, 3, generator=rng), torch.randn(4, 3, generator=rng)
    call = student.call("add_into_out", X, Y, torch.zeros(4, 3))
    check_returns_out(call)
    check_tensor(
        call.input_after(2),
        X + Y,
        Text("the caller's out after the call", zh="调用之后调用方的 out"),
    )
    check_unchanged(call.input_after(0), X, "X")


@points(1)
def test_float64_out_keeps_its_dtype(student, rng):
    """a float64 out stays float64, holds X + Y, and is returned
    zh: float64 的 out 仍是 float64，等于 X + Y，并被返回"""
    X, Y = torch.randn(3, 2, generator=rng), torch.randn(2, generator=rng)
    out = torch.zeros(3, 2, dtype=torch.float64)
    call = student.call("add_into_out", X, Y, out)
    check_returns_out(call)
    check_tensor(
        call.input_after(2),
        (X + Y).double(),
        Text("the caller's float64 out after the call", zh="调用之后调用方的 float64 out"),
    )
    check_unchanged(call.input_after(0), X, "X")
