import pytest
import torch

from grader.judge import CheckFailed, describe_type, points

EXPRESSIONS = {
    "A": "torch.ones(3, 4) + torch.ones(4)",
    "B": "torch.ones(3, 4) + torch.ones(3)",
    "C": "torch.ones(3, 1) * torch.ones(1, 5)",
    "D": "torch.cat((torch.ones(3, 4), torch.ones(2, 5)), dim=0)",
    "E": "torch.arange(6)[::-1]",
    "F": "torch.arange(6).reshape(4, -1)",
    "G": "torch.zeros(2, 3)[2]",
    "H": "torch.ones(2, 3).sum(dim=1, keepdim=True) + torch.ones(3)",
}


def outcome(source):
    try:
        return tuple(eval(source, {"torch": torch}).shape)
    except Exception as exc:
        return type(exc).__name__


def normalised(value):
    # A torch.Size (copied from .shape) or a list of ints is accepted for a shape.
    if type(value) is torch.Size or (type(value) is list and all(type(v) is int for v in value)):
        return tuple(value)
    if type(value) is str:
        return value.strip()
    return value


@points(0.5)
@pytest.mark.parametrize("letter", list(EXPRESSIONS))
def test_prediction(student, letter):
    """the shape, or the name of the exception, for this expression"""
    value = student.value("PREDICTIONS")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            f"PREDICTIONS should be a tuple of {len(EXPRESSIONS)} entries, not {describe_type(value)}."
        )
    index = list(EXPRESSIONS).index(letter)
    got, want = normalised(value[index]), outcome(EXPRESSIONS[letter])
    if type(got) not in (tuple, str):
        raise CheckFailed(
            f"prediction {letter} should be a shape (a tuple) or an exception name (a str), "
            f"not {describe_type(got)}."
        )
    if type(got) is not type(want) or got != want:
        raise CheckFailed(f"prediction {letter} is not correct.")
