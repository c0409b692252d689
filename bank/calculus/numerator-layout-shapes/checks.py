import torch

from grader.judge import CheckFailed, points

SHAPES = [(1, 5), (4, 3), (2, 4), (2, 3)]
ORDERS = ("A", "B")


def shapes(student):
    value = student.value("NUMERATOR_SHAPES")
    if type(value) not in (tuple, list) or len(value) != 4:
        raise CheckFailed(
            "NUMERATOR_SHAPES should be a tuple of four shapes.",
            zh="NUMERATOR_SHAPES 应当是包含四个形状的元组。",
        )
    # torch.Size and lists of ints are accepted as shapes.
    return [tuple(s) if type(s) in (torch.Size, list) else s for s in value]


@points(1)
def test_scalar_output(student):
    """item 1: the derivative of a scalar in the numerator layout
    zh: 第 1 项：分子布局下标量的导数"""
    if shapes(student)[0] != SHAPES[0]:
        raise CheckFailed(
            "item 1 of NUMERATOR_SHAPES is not right.", zh="NUMERATOR_SHAPES 的第 1 项不对。"
        )


@points(1.5)
def test_jacobians(student):
    """items 2 to 4: Jacobians of vectors by vectors (all three are needed)
    zh: 第 2 到 4 项：向量对向量的雅可比矩阵（三项都要对）"""
    got = shapes(student)
    for index in (1, 2, 3):
        if got[index] != SHAPES[index]:
            raise CheckFailed(
                f"item {index + 1} of NUMERATOR_SHAPES is not right.",
                zh=f"NUMERATOR_SHAPES 的第 {index + 1} 项不对。",
            )


@points(1.5)
def test_chain_orders(student):
    """the order of the product in each layout (both are needed)
    zh: 两种布局下乘积的顺序（两项都要对）"""
    value = student.value("CHAIN_ORDERS")
    if type(value) not in (tuple, list) or len(value) != 2:
        raise CheckFailed(
            "CHAIN_ORDERS should be a pair of letters.", zh="CHAIN_ORDERS 应当是一对字母。"
        )
    for index in range(2):
        letter = value[index].strip().upper() if type(value[index]) is str else None
        if letter not in ("A", "B"):
            raise CheckFailed(
                f'item {index + 1} of CHAIN_ORDERS should be "A" or "B".',
                zh=f'CHAIN_ORDERS 的第 {index + 1} 项应当是 "A" 或 "B"。',
            )
        if letter != ORDERS[index]:
            raise CheckFailed(
                f"item {index + 1} of CHAIN_ORDERS is not right.",
                zh=f"CHAIN_ORDERS 的第 {index + 1} 项不对。",
            )
