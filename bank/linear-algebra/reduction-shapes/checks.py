import pytest
import torch

from grader.judge import CheckFailed, describe_type, points

EXPRESSIONS = [
    ("X.sum(axis=1, keepdims=True)", lambda X: X.sum(axis=1, keepdims=True)),
    ("X.sum(axis=[0, 2])", lambda X: X.sum(axis=[0, 2])),
    ("X.sum(axis=[0, 1], keepdims=True)", lambda X: X.sum(axis=[0, 1], keepdims=True)),
    ("X.sum(axis=[0, 1, 2])", lambda X: X.sum(axis=[0, 1, 2])),
    ("X.cumsum(axis=1)", lambda X: X.cumsum(axis=1)),
]


def type_zh(value):
    """describe_type(value) in Chinese."""
    if value is None:
        return "None"
    if type(value) is torch.Tensor:
        return f"形状为 {tuple(value.shape)} 的张量"
    return "一个 " + describe_type(value).removeprefix("a ")


def shapes(student):
    value = student.value("REDUCTION_SHAPES")
    if type(value) is not tuple or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            "REDUCTION_SHAPES should be a tuple of five shapes.",
            zh="REDUCTION_SHAPES 应当是包含五个形状的元组。",
        )
    # torch.Size is a tuple too: accept shapes copied from real tensors.
    return tuple(tuple(s) if type(s) is torch.Size else s for s in value)


@points(0.5)
@pytest.mark.parametrize("index", range(len(EXPRESSIONS)), ids=[str(i + 1) for i in range(5)])
def test_shape(student, variant, index):
    """one of the five shapes
    zh: 五个形状中的一个"""
    text, expression = EXPRESSIONS[index]
    expected = tuple(expression(torch.ones(variant["shape"])).shape)
    got = shapes(student)[index]
    if type(got) is not tuple or not all(type(v) is int for v in got):
        raise CheckFailed(
            f"item {index + 1} of REDUCTION_SHAPES should be a tuple of ints, but it is {describe_type(got)}.",
            zh=f"REDUCTION_SHAPES 的第 {index + 1} 项应当是由整数组成的元组，但它是{type_zh(got)}。",
        )
    if got != expected:
        raise CheckFailed(
            f"item {index + 1} of REDUCTION_SHAPES, the shape of {text}, is not correct.",
            zh=f"REDUCTION_SHAPES 的第 {index + 1} 项（{text} 的形状）不正确。",
        )
