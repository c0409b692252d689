import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("shape_x, shape_y", [((3, 4), (3, 4)), ((2, 5), (1, 5))])
def test_caller_sees_the_sum(student, rng, shape_x, shape_y):
    """the caller's X holds X + Y afterwards (the addition happened in place)
    zh: 调用之后，调用方的 X 等于 X + Y（加法是原地做的）"""
    X, Y = torch.randn(shape_x, generator=rng), torch.randn(shape_y, generator=rng)
    call = student.call("add_into", X, Y)
    call.unwrap()
    check_tensor(call.input_after(0), X + Y, Text("X after the call", zh="调用之后的 X"))
    check_unchanged(call.input_after(1), Y, "Y")


@points(1)
def test_returns_x_itself(student, rng):
    """returns the very same tensor object it was given as X
    zh: 返回的正是作为 X 传入的那个张量对象"""
    X, Y = torch.randn(3, 2, generator=rng), torch.randn(3, 2, generator=rng)
    call = student.call("add_into", X, Y)
    result = call.unwrap()
    check_tensor(call.input_after(0), X + Y, Text("X after the call", zh="调用之后的 X"))
    if type(result) is not torch.Tensor:
        raise CheckFailed(
            f"add_into should return X, but it returned {type(result).__name__}.",
            zh=f"add_into 应当返回 X，但它返回了 {type(result).__name__}。",
        )
    if not call.returned_argument(0):
        if call.result_shares_storage_with(0):
            raise CheckFailed(
                "add_into returned a view of X, not X itself.",
                zh="add_into 返回的是 X 的视图，而不是 X 本身。",
            )
        raise CheckFailed(
            "add_into returned a new tensor instead of X.",
            zh="add_into 返回了一个新张量，而不是 X。",
        )


@points(1)
def test_integer_tensors(student, rng):
    """works in place on int64 tensors too
    zh: 对 int64 张量也能原地相加"""
    X = torch.randint(-5, 5, (4, 3), generator=rng)
    Y = torch.randint(-5, 5, (4, 3), generator=rng)
    call = student.call("add_into", X, Y)
    call.unwrap()
    check_tensor(call.input_after(0), X + Y, Text("X after the call", zh="调用之后的 X"))
    if not call.returned_argument(0):
        raise CheckFailed(
            "add_into returned a new tensor instead of X.",
            zh="add_into 返回了一个新张量，而不是 X。",
        )
