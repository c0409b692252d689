import torch

from grader.judge import CheckFailed, points


def as_shape(value):
    # torch.Size and lists of ints are accepted as shapes (copied from real tensors).
    if type(value) in (torch.Size, list):
        value = tuple(value)
    return value


@points(3)
def test_shapes(student):
    """the three shapes, in order (all three are needed: they test one rule)"""
    value = student.value("SUM_SHAPES")
    if type(value) is not tuple or len(value) != 3:
        raise CheckFailed("SUM_SHAPES should be a tuple of three shapes.")
    X = torch.zeros(2, 3, 4)
    for axis in range(3):
        if as_shape(value[axis]) != tuple(X.sum(axis=axis).shape):
            raise CheckFailed(f"item {axis + 1} of SUM_SHAPES is not right.")
