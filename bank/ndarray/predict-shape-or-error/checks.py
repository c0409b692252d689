import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

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


def check_group(student, letters):
    value = student.value("PREDICTIONS")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            f"PREDICTIONS should be a tuple of eight entries, one per expression, but it is "
            f"{describe_type(value)}.",
            zh=f"PREDICTIONS 应当是由八项组成的元组，每个表达式一项，但它是{describe_type_zh(value)}。",
        )
    for letter in letters:
        got = normalised(value[list(EXPRESSIONS).index(letter)])
        if type(got) not in (tuple, str):
            raise CheckFailed(
                f"prediction {letter} should be a shape (a tuple) or an exception name (a str), "
                f"not {describe_type(got)}.",
                zh=f"预测 {letter} 应当是形状（元组）或异常名（str），而不是 {describe_type_zh(got)}。",
            )
        want = outcome(EXPRESSIONS[letter])
        if type(got) is not type(want) or got != want:
            raise CheckFailed(f"prediction {letter} is not right.", zh=f"预测 {letter} 不对。")


# One check per rule, so that a wrong rule costs the points of that rule.
@points(2)
def test_broadcasting(student):
    """A, B, C and H: elementwise operations on tensors of different shapes
    zh: A、B、C 和 H：形状不同的张量之间的逐元素运算"""
    check_group(student, "ABCH")


@points(1.5)
def test_size_rules(student):
    """D and F: what torch.cat and reshape require of the sizes
    zh: D 和 F：torch.cat 和 reshape 对各轴长度的要求"""
    check_group(student, "DF")


@points(1.5)
def test_indexing(student):
    """E and G: indexing and slicing
    zh: E 和 G：索引和切片"""
    check_group(student, "EG")
