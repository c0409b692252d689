import pytest
import torch

from grader.judge import CheckFailed, describe_type, points

NAMES = ("value", "as_float", "as_int")


def check_numbers(out, t, what):
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            f"{what} should be a tuple of three numbers, but it is {describe_type(out)}."
        )
    expected = (t.item(), float(t), int(t))
    for name, got, want in zip(NAMES, out, expected):
        if type(got) is not type(want):
            raise CheckFailed(
                f"{name} in {what} should be a Python {type(want).__name__}, "
                f"but it is {describe_type(got)}."
            )
        if got != want:
            raise CheckFailed(f"{name} in {what} is not correct.")


@points(0.25)
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_float_tensor(student, rng, shape):
    """a float32 tensor with one element gives (float, float, int)"""
    t = (torch.rand(shape, generator=rng) * 20 + 0.25).reshape(shape)
    check_numbers(student.to_python_numbers(t), t, f"to_python_numbers(t) for t of shape {shape}")


@points(0.5)
def test_integer_tensor(student, rng):
    """an int64 tensor gives (int, float, int)"""
    t = torch.randint(-50, 50, (1,), generator=rng)
    check_numbers(student.to_python_numbers(t), t, "to_python_numbers(t) for an int64 t")


@points(0.5)
def test_negative_truncates_toward_zero(student, rng):
    """int() of a negative non-integer value truncates toward zero"""
    t = -(
        torch.rand((), generator=rng, dtype=torch.float64) * 0.8
        + 0.1
        + torch.randint(1, 9, (), generator=rng)
    )
    check_numbers(student.to_python_numbers(t), t, "to_python_numbers(t) for a negative float64 t")


@points(0.75)
def test_several_elements_raise(student, rng):
    """a tensor with several elements raises an exception"""
    t = torch.randn(3, generator=rng)
    call = student.call("to_python_numbers", t)
    if call.raised is None:
        raise CheckFailed("to_python_numbers(t) for t with 3 elements should raise an exception.")
