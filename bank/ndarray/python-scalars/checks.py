import pytest
import torch

from grader.judge import CheckFailed, Text, describe_type, describe_type_zh, points

NAMES = ("value", "as_float", "as_int")


def check_numbers(out, t, what):
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            f"{what} should be a tuple of three numbers, but it is {describe_type(out)}.",
            zh=f"{what.zh} 应当是由三个数组成的元组，但它是{describe_type_zh(out)}。",
        )
    expected = (t.item(), float(t), int(t))
    for name, got, want in zip(NAMES, out, expected):
        if type(got) is not type(want):
            raise CheckFailed(
                f"{name} in {what} should be a Python {type(want).__name__}, "
                f"but it is {describe_type(got)}.",
                zh=f"{what.zh} 中的 {name} 应当是 Python {type(want).__name__}，但它是{describe_type_zh(got)}。",
            )
        if got != want:
            raise CheckFailed(
                f"{name} in {what} is not correct.", zh=f"{what.zh} 中的 {name} 不正确。"
            )


@points(0.25)
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_float_tensor(student, rng, shape):
    """a float32 tensor with one element gives (float, float, int)
    zh: 只有一个元素的 float32 张量得到 (float, float, int)"""
    t = (torch.rand(shape, generator=rng) * 20 + 0.25).reshape(shape)
    check_numbers(
        student.to_python_numbers(t),
        t,
        Text(
            f"to_python_numbers(t) for t of shape {shape}",
            zh=f"t 的形状为 {shape} 时的 to_python_numbers(t)",
        ),
    )


@points(0.5)
def test_integer_tensor(student, rng):
    """an int64 tensor gives (int, float, int)
    zh: int64 张量得到 (int, float, int)"""
    t = torch.randint(-50, 50, (1,), generator=rng)
    check_numbers(
        student.to_python_numbers(t),
        t,
        Text("to_python_numbers(t) for an int64 t", zh="t 为 int64 时的 to_python_numbers(t)"),
    )


@points(0.5)
def test_negative_truncates_toward_zero(student, rng):
    """int() of a negative non-integer value truncates toward zero
    zh: 对负的非整数值，int() 向零截断"""
    t = -(
        torch.rand((), generator=rng, dtype=torch.float64) * 0.8
        + 0.1
        + torch.randint(1, 9, (), generator=rng)
    )
    check_numbers(
        student.to_python_numbers(t),
        t,
        Text(
            "to_python_numbers(t) for a negative float64 t",
            zh="t 为负的 float64 时的 to_python_numbers(t)",
        ),
    )


@points(0.75)
def test_several_elements_raise(student, rng):
    """a tensor with several elements raises an exception
    zh: 有多个元素的张量会抛出异常"""
    t = torch.randn(3, generator=rng)
    call = student.call("to_python_numbers", t)
    if call.raised is None:
        raise CheckFailed(
            "to_python_numbers(t) for t with 3 elements should raise an exception.",
            zh="t 有 3 个元素时，to_python_numbers(t) 应当抛出异常。",
        )
