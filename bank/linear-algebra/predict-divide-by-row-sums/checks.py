import torch

from grader.judge import CheckFailed, points

SHAPES = [(5, 4), (2, 3), (3, 3), (4, 1)]


def outcome(shape):
    A = torch.ones(shape)
    try:
        return tuple((A / A.sum(axis=1)).shape)
    except RuntimeError:
        return "RuntimeError"


def check_items(student, items):
    value = student.value("ROW_SUM_DIVISION")
    if type(value) is not tuple or len(value) != len(SHAPES):
        raise CheckFailed("ROW_SUM_DIVISION should be a tuple of four answers.")
    for index in items:
        got = value[index]
        if type(got) is torch.Size or type(got) is list:
            got = tuple(got)
        if type(got) is str:
            got = got.strip()
        elif type(got) is not tuple or not all(type(v) is int for v in got):
            raise CheckFailed(
                f"item {index + 1} of ROW_SUM_DIVISION should be a shape (a tuple of ints) "
                'or "RuntimeError".'
            )
        if got != outcome(SHAPES[index]):
            raise CheckFailed(f"item {index + 1} of ROW_SUM_DIVISION is not right.")


# Grouped by what each pair tests, so that one rule misunderstood costs the whole pair.
@points(2)
def test_shapes_that_do_not_fit(student):
    """items 1 and 2: the row sums are lined up with the columns (broadcasting from the right)"""
    check_items(student, [0, 1])


@points(2)
def test_shapes_that_run(student):
    """items 3 and 4: what a square matrix and a single column give"""
    check_items(student, [2, 3])
