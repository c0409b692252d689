import pytest
import torch

from grader.judge import CheckFailed, points

EXPRESSIONS = [
    lambda X: torch.linalg.norm(X),
    lambda X: torch.linalg.matrix_norm(X),
    lambda X: X.norm(dim=0),
    lambda X: torch.linalg.vector_norm(X, dim=(1, 2)),
]


def as_shape(value):
    # torch.Size and lists of ints are accepted as shapes (copied from real tensors).
    return tuple(value) if type(value) in (torch.Size, list) else value


@points(0.75)
@pytest.mark.parametrize("index", range(4), ids=["1", "2", "3", "4"])
def test_shape(student, index):
    """one of the four shapes
    zh: 四个形状中的一个"""
    value = student.value("NORM_SHAPES")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            "NORM_SHAPES should be a tuple of four shapes.",
            zh="NORM_SHAPES 应当是包含四个形状的元组。",
        )
    expected = tuple(EXPRESSIONS[index](torch.arange(24.0).reshape(2, 3, 4)).shape)
    if as_shape(value[index]) != expected:
        raise CheckFailed(
            f"item {index + 1} of NORM_SHAPES is not right.",
            zh=f"NORM_SHAPES 的第 {index + 1} 项不对。",
        )


@points(1)
def test_meaning(student):
    """what linalg.norm computes for a tensor with three axes
    zh: 对有三个轴的张量，linalg.norm 算的是什么"""
    value = student.value("NORM_MEANING")
    letter = value.strip().upper() if type(value) is str else None
    if letter not in ("A", "B", "C", "D"):
        raise CheckFailed(
            'NORM_MEANING should be one of the letters "A", "B", "C", "D".',
            zh='NORM_MEANING 应当是字母 "A"、"B"、"C"、"D" 之一。',
        )
    if letter != "A":
        raise CheckFailed("NORM_MEANING is not right.", zh="NORM_MEANING 不对。")
