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
        raise CheckFailed(
            "ROW_SUM_DIVISION should be a tuple of four answers.",
            zh="ROW_SUM_DIVISION 应当是包含四个答案的元组。",
        )
    for index in items:
        got = value[index]
        if type(got) is torch.Size or type(got) is list:
            got = tuple(got)
        if type(got) is str:
            got = got.strip()
        elif type(got) is not tuple or not all(type(v) is int for v in got):
            raise CheckFailed(
                f"item {index + 1} of ROW_SUM_DIVISION should be a shape (a tuple of ints) "
                'or "RuntimeError".',
                zh=f"ROW_SUM_DIVISION 的第 {index + 1} 项应当是一个形状（由整数组成的元组）"
                '或 "RuntimeError"。',
            )
        if got != outcome(SHAPES[index]):
            raise CheckFailed(
                f"item {index + 1} of ROW_SUM_DIVISION is not right.",
                zh=f"ROW_SUM_DIVISION 的第 {index + 1} 项不对。",
            )


# Grouped by what each pair tests, so that one rule misunderstood costs the whole pair.
@points(2)
def test_shapes_that_do_not_fit(student):
    """items 1 and 2: the row sums are lined up with the columns (broadcasting from the right)
    zh: 第 1、2 项：各行之和对齐的是列（广播从右往左对齐）"""
    check_items(student, [0, 1])


@points(2)
def test_shapes_that_run(student):
    """items 3 and 4: what a square matrix and a single column give
    zh: 第 3、4 项：方阵和只有一列的矩阵分别得到什么"""
    check_items(student, [2, 3])
