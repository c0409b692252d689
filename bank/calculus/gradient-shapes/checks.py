import pytest
import torch

from grader.judge import CheckFailed, check_equal, points

# (description, expected shape): d2l's denominator layout.
CASES = [
    ("∇ₓ‖x‖² with x in R^5", (5,)),
    ("∇ₓ(Ax) with A of shape (4, 3)", (3, 4)),
    ("∇ₓ(xᵀA) with A of shape (3, 6)", (3, 6)),
    ("∇_X ‖X‖_F² with X of shape (2, 7)", (2, 7)),
]


def shapes(student):
    value = student.value("GRAD_SHAPES")
    if type(value) not in (tuple, list) or len(value) != 4:
        raise CheckFailed("GRAD_SHAPES should be a tuple of four shapes.")
    # torch.Size and lists of ints are accepted as shapes.
    return [tuple(s) if type(s) in (torch.Size, list) else s for s in value]


@points(0.75)
@pytest.mark.parametrize("index", [0, 1, 2, 3], ids=["norm", "Ax", "xTA", "frobenius"])
def test_shape(student, index):
    """one of the four shapes, in d2l's (denominator) layout"""
    what, expected = CASES[index]
    check_equal(shapes(student)[index], expected, f"the shape of {what}")
