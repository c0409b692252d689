import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("shape_x, shape_y", [((3, 4), (3, 4)), ((2, 5), (1, 5))])
def test_caller_sees_the_sum(student, rng, shape_x, shape_y):
    """the caller's X holds X + Y afterwards (the addition happened in place)"""
    X, Y = torch.randn(shape_x, generator=rng), torch.randn(shape_y, generator=rng)
    call = student.call("add_into", X, Y)
    call.unwrap()
    check_tensor(call.input_after(0), X + Y, "X after the call")
    check_unchanged(call.input_after(1), Y, "Y")


@points(1)
def test_returns_x_itself(student, rng):
    """returns the very same tensor object it was given as X"""
    X, Y = torch.randn(3, 2, generator=rng), torch.randn(3, 2, generator=rng)
    call = student.call("add_into", X, Y)
    result = call.unwrap()
    check_tensor(call.input_after(0), X + Y, "X after the call")
    if type(result) is not torch.Tensor:
        raise CheckFailed(f"add_into should return X, but it returned {type(result).__name__}.")
    if not call.returned_argument(0):
        if call.result_shares_storage_with(0):
            raise CheckFailed("add_into returned a view of X, not X itself.")
        raise CheckFailed("add_into returned a new tensor instead of X.")


@points(1)
def test_integer_tensors(student, rng):
    """works in place on int64 tensors too"""
    X = torch.randint(-5, 5, (4, 3), generator=rng)
    Y = torch.randint(-5, 5, (4, 3), generator=rng)
    call = student.call("add_into", X, Y)
    call.unwrap()
    check_tensor(call.input_after(0), X + Y, "X after the call")
    if not call.returned_argument(0):
        raise CheckFailed("add_into returned a new tensor instead of X.")
