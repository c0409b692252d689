import pytest
import torch

from grader.judge import CheckFailed, points

EXPRESSIONS = [
    lambda X: len(X),
    lambda X: len(X[:, 1:]),
    lambda X: len(X.sum(axis=0)),
    lambda X: len(X.transpose(0, 2)),
]


def predictions(student):
    value = student.value("LEN_PREDICTIONS")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            "LEN_PREDICTIONS should be a tuple of four ints.",
            zh="LEN_PREDICTIONS 应当是包含四个整数的元组。",
        )
    return value


@points(0.5)
@pytest.mark.parametrize("index", range(4), ids=["1", "2", "3", "4"])
def test_prediction(student, variant, index):
    """one of the four predictions
    zh: 四个预测中的一个"""
    got = predictions(student)[index]
    expected = EXPRESSIONS[index](torch.arange(24).reshape(variant["shape"]))
    if type(got) is not int or got != expected:
        raise CheckFailed(
            f"item {index + 1} of LEN_PREDICTIONS is not right.",
            zh=f"LEN_PREDICTIONS 的第 {index + 1} 项不对。",
        )


@points(1)
def test_axis(student):
    """the axis whose length len() gives, for every tensor
    zh: 对任何张量，len() 给出的是哪个轴的长度"""
    got = student.value("LEN_AXIS")
    if type(got) is not int or got != 0:
        raise CheckFailed("LEN_AXIS is not right.", zh="LEN_AXIS 不对。")
