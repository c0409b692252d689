import torch

from grader.judge import CheckFailed, Text, check_choice, choice_label, points

# the options by key; the variant's `order` says which letter each one is shown under
EXPRESSIONS = {
    "mm_MN": lambda M, N, v: torch.mm(M, N),
    "mm_NM": lambda M, N, v: torch.mm(N, M),
    "mv_Mv": lambda M, N, v: torch.mv(M, v),
    "mv_Nv": lambda M, N, v: torch.mv(N, v),
    "matmul_Mv": lambda M, N, v: M @ v,
    "mm_Mv": lambda M, N, v: torch.mm(M, v),
    "mul_MN": lambda M, N, v: M * N,
    "mm_NtMt": lambda M, N, v: torch.mm(N.T, M.T),
}


def operands(variant):
    """M, N and v of the prompt: M is a×b, N is b×c, v has length b."""
    a, b, c = variant["sizes"]
    return torch.ones(a, b), torch.ones(b, c), torch.ones(b)


def runs(key, variant):
    try:
        EXPRESSIONS[key](*operands(variant))
    except RuntimeError:
        return False
    return True


@points(3)
def test_answer(student, variant):
    """PRODUCTS_THAT_RUN is the set of the letters of exactly the expressions that run
    zh: PRODUCTS_THAT_RUN 恰好是能运行的那些表达式的字母集合"""
    letters = [choice_label(variant, key) for key in EXPRESSIONS]
    correct = {choice_label(variant, key) for key in EXPRESSIONS if runs(key, variant)}
    check_choice(
        student.value("PRODUCTS_THAT_RUN"),
        "PRODUCTS_THAT_RUN",
        letters,
        correct,
        wrong=Text(
            "PRODUCTS_THAT_RUN is not correct: compare the inner sizes of each product.",
            zh="PRODUCTS_THAT_RUN 不正确：比较每个乘积的两个内侧维度。",
        ),
    )


@points(1)
def test_shape_h(student, variant):
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
    if value != tuple(EXPRESSIONS["mm_NtMt"](*operands(variant)).shape):
        raise CheckFailed("SHAPE_OF_H is not correct.", zh="SHAPE_OF_H 不正确。")
