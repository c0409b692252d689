import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

X = torch.arange(24)


def check_shape(value, expected, name):
    # torch.Size is a tuple too: accept the shapes copied from real tensors.
    if type(value) is torch.Size:
        value = tuple(value)
    if type(value) is not tuple or not all(type(v) is int for v in value):
        raise CheckFailed(
            f"{name} should be a tuple of ints, but it is {describe_type(value)}.",
            zh=f"{name} 应当是由整数组成的元组，但它是{describe_type_zh(value)}。",
        )
    if value != expected:
        raise CheckFailed(f"{name} is not right.", zh=f"{name} 不对。")


@points(1)
def test_shape_a(student):
    """SHAPE_A is the shape of X.reshape(-1, 4, 2)
    zh: SHAPE_A 是 X.reshape(-1, 4, 2) 的形状"""
    check_shape(student.value("SHAPE_A"), tuple(X.reshape(-1, 4, 2).shape), "SHAPE_A")


@points(1)
def test_shape_b(student):
    """SHAPE_B is the shape of X.reshape(2, -1).T
    zh: SHAPE_B 是 X.reshape(2, -1).T 的形状"""
    check_shape(student.value("SHAPE_B"), tuple(X.reshape(2, -1).T.shape), "SHAPE_B")


@points(1)
def test_numel_c(student):
    """NUMEL_C is the number of elements of X.reshape(4, 6)[1:]
    zh: NUMEL_C 是 X.reshape(4, 6)[1:] 的元素个数"""
    value = student.value("NUMEL_C")
    if type(value) is torch.Tensor and value.numel() == 1 and not value.is_floating_point():
        value = int(value)
    if type(value) is not int:
        raise CheckFailed(
            f"NUMEL_C should be an int, but it is {describe_type(value)}.",
            zh=f"NUMEL_C 应当是 int，但它是{describe_type_zh(value)}。",
        )
    if value != X.reshape(4, 6)[1:].numel():
        raise CheckFailed("NUMEL_C is not right.", zh="NUMEL_C 不对。")
