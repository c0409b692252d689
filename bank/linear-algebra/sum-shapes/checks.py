import torch

from grader.judge import CheckFailed, points


def as_shape(value):
    # torch.Size and lists of ints are accepted as shapes (copied from real tensors).
    if type(value) in (torch.Size, list):
        value = tuple(value)
    return value


@points(3)
def test_shapes(student):
    """the three shapes, in order (all three are needed: they test one rule)
    zh: 按顺序给出三个形状（三个都要对：它们考的是同一条规则）"""
    value = student.value("SUM_SHAPES")
    if type(value) is not tuple or len(value) != 3:
        raise CheckFailed(
            "SUM_SHAPES should be a tuple of three shapes.",
            zh="SUM_SHAPES 应当是包含三个形状的元组。",
        )
    X = torch.zeros(2, 3, 4)
    for axis in range(3):
        if as_shape(value[axis]) != tuple(X.sum(axis=axis).shape):
            raise CheckFailed(
                f"item {axis + 1} of SUM_SHAPES is not right.",
                zh=f"SUM_SHAPES 的第 {axis + 1} 项不对。",
            )
