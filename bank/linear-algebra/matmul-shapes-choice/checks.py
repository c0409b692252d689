import torch

from grader.judge import CheckFailed, Text, check_choice, points

EXPRESSIONS = {
    "A": lambda M, N, v: torch.mm(M, N),
    "B": lambda M, N, v: torch.mm(N, M),
    "C": lambda M, N, v: torch.mv(M, v),
    "D": lambda M, N, v: torch.mv(N, v),
    "E": lambda M, N, v: M @ v,
    "F": lambda M, N, v: torch.mm(M, v),
    "G": lambda M, N, v: M * N,
    "H": lambda M, N, v: torch.mm(N.T, M.T),
}


def operands():
    return torch.ones(2, 3), torch.ones(3, 4), torch.ones(3)


def runs(letter):
    try:
        EXPRESSIONS[letter](*operands())
    except RuntimeError:
        return False
    return True


@points(3)
def test_answer(student):
    """PRODUCTS_THAT_RUN is the set of the letters of exactly the expressions that run
    zh: PRODUCTS_THAT_RUN 恰好是能运行的那些表达式的字母集合"""
    correct = {letter for letter in EXPRESSIONS if runs(letter)}
    check_choice(
        student.value("PRODUCTS_THAT_RUN"),
        "PRODUCTS_THAT_RUN",
        EXPRESSIONS,
        correct,
        wrong=Text(
            "PRODUCTS_THAT_RUN is not correct: compare the inner sizes of each product.",
            zh="PRODUCTS_THAT_RUN 不正确：比较每个乘积的两个内侧维度。",
        ),
    )


@points(1)
def test_shape_h(student):
    """SHAPE_OF_H is the shape of torch.mm(N.T, M.T)
    zh: SHAPE_OF_H 是 torch.mm(N.T, M.T) 的形状"""
    value = student.value("SHAPE_OF_H")
    if type(value) is torch.Size or type(value) is list:
        value = tuple(value)
    if type(value) is not tuple or not all(type(v) is int for v in value):
        raise CheckFailed(
            "SHAPE_OF_H should be a shape, a tuple of ints.",
            zh="SHAPE_OF_H 应当是一个形状，即由整数组成的元组。",
        )
    if value != tuple(EXPRESSIONS["H"](*operands()).shape):
        raise CheckFailed("SHAPE_OF_H is not correct.", zh="SHAPE_OF_H 不正确。")
