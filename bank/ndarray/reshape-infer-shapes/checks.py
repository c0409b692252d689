import torch

from grader.judge import check_equal, points

X = torch.arange(24)


def shape_value(value):
    # torch.Size is a tuple too: accept the shapes copied from real tensors.
    return tuple(value) if type(value) is torch.Size else value


@points(1)
def test_shape_a(student):
    """SHAPE_A is the shape of X.reshape(-1, 4, 2)"""
    check_equal(shape_value(student.value("SHAPE_A")), tuple(X.reshape(-1, 4, 2).shape), "SHAPE_A")


@points(1)
def test_shape_b(student):
    """SHAPE_B is the shape of X.reshape(2, -1).T"""
    check_equal(shape_value(student.value("SHAPE_B")), tuple(X.reshape(2, -1).T.shape), "SHAPE_B")


@points(1)
def test_numel_c(student):
    """NUMEL_C is the number of elements of X.reshape(4, 6)[1:]"""
    value = student.value("NUMEL_C")
    if type(value) is torch.Tensor and value.numel() == 1 and not value.is_floating_point():
        value = int(value)
    check_equal(value, X.reshape(4, 6)[1:].numel(), "NUMEL_C")
