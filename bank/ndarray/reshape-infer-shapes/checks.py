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
def test_shape_a(student, variant):
    """SHAPE_A is the shape of the first reshape, whose -1 comes first
    zh: SHAPE_A 是第一个 reshape（-1 写在最前面）的形状"""
    _, a, b = variant["shape_a"]
    check_shape(student.value("SHAPE_A"), tuple(X.reshape(-1, a, b).shape), "SHAPE_A")


@points(1)
def test_shape_b(student, variant):
    """SHAPE_B is the shape of the second expression: a reshape, then .T
    zh: SHAPE_B 是第二个表达式（先 reshape，再 .T）的形状"""
    rows = variant["shape_b"][0]
    check_shape(student.value("SHAPE_B"), tuple(X.reshape(rows, -1).T.shape), "SHAPE_B")


@points(1)
def test_numel_c(student, variant):
    """NUMEL_C is the number of elements of the third expression, sliced with [1:]
    zh: NUMEL_C 是第三个表达式（用 [1:] 切片）的元素个数"""
    value = student.value("NUMEL_C")
    if type(value) is torch.Tensor and value.numel() == 1 and not value.is_floating_point():
        value = int(value)
    if type(value) is not int:
        raise CheckFailed(
            f"NUMEL_C should be an int, but it is {describe_type(value)}.",
            zh=f"NUMEL_C 应当是 int，但它是{describe_type_zh(value)}。",
        )
    if value != X.reshape(variant["grid_c"])[1:].numel():
        raise CheckFailed("NUMEL_C is not right.", zh="NUMEL_C 不对。")
