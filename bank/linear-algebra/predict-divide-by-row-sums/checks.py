import pytest
import torch

from grader.judge import CheckFailed, points

SHAPES = [(5, 4), (2, 3), (3, 3), (4, 1)]


def outcome(shape):
    A = torch.ones(shape)
    try:
        return tuple((A / A.sum(axis=1)).shape)
    except RuntimeError:
        return "RuntimeError"


@points(1)
@pytest.mark.parametrize("index", range(4), ids=["5x4", "2x3", "3x3", "4x1"])
def test_prediction(student, index):
    """each answer is the shape of A / A.sum(axis=1), or the string RuntimeError"""
    value = student.value("ROW_SUM_DIVISION")
    if type(value) is not tuple or len(value) != len(SHAPES):
        raise CheckFailed("ROW_SUM_DIVISION should be a tuple of four answers.")
    got = value[index]
    if type(got) is torch.Size or type(got) is list:
        got = tuple(got)
    if type(got) is str:
        got = got.strip()
    elif type(got) is not tuple or not all(type(v) is int for v in got):
        raise CheckFailed(
            f'item {index + 1} of ROW_SUM_DIVISION should be a shape (a tuple of ints) or "RuntimeError".'
        )
    if got != outcome(SHAPES[index]):
        raise CheckFailed(f"item {index + 1} of ROW_SUM_DIVISION is not right.")
