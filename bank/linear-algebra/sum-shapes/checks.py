import torch

from grader.judge import CheckFailed, check_equal, points


@points(2)
def test_shapes(student):
    """the three shapes, in order"""
    value = student.value("SUM_SHAPES")
    if type(value) is not tuple or len(value) != 3:
        raise CheckFailed("SUM_SHAPES should be a tuple of three shapes.")
    # torch.Size is a tuple too: accept the shapes copied from real tensors.
    shapes = tuple(tuple(s) if type(s) is torch.Size else s for s in value)
    X = torch.zeros(2, 3, 4)
    expected = tuple(tuple(X.sum(axis=axis).shape) for axis in range(3))
    for axis in range(3):
        check_equal(shapes[axis], expected[axis], f"the shape of X.sum(axis={axis})")
