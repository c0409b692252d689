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
    """one of the four shapes"""
    value = student.value("NORM_SHAPES")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed("NORM_SHAPES should be a tuple of four shapes.")
    expected = tuple(EXPRESSIONS[index](torch.arange(24.0).reshape(2, 3, 4)).shape)
    if as_shape(value[index]) != expected:
        raise CheckFailed(f"item {index + 1} of NORM_SHAPES is not right.")


@points(1)
def test_meaning(student):
    """what linalg.norm computes for a tensor with three axes"""
    value = student.value("NORM_MEANING")
    letter = value.strip().upper() if type(value) is str else None
    if letter not in ("A", "B", "C", "D"):
        raise CheckFailed('NORM_MEANING should be one of the letters "A", "B", "C", "D".')
    if letter != "A":
        raise CheckFailed("NORM_MEANING is not right.")
