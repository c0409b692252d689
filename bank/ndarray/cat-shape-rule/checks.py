import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points


def torch_answer(shapes, dim):
    try:
        tensors = [torch.empty(s, device="meta") for s in shapes]
        return tuple(torch.cat(tensors, dim).shape)
    except (RuntimeError, IndexError):
        return None


def check_cases(student, cases):
    # The messages name the call only: "should be None" or "should be a tuple" would tell
    # whether torch.cat works there, which is the question.
    for shapes, dim in cases:
        what = f"cat_shape({list(shapes)}, {dim})"
        got = student.cat_shape(list(shapes), dim)
        if type(got) is torch.Size:  # a torch.Size is a tuple too; accept it
            got = tuple(got)
        if got is not None and not (type(got) is tuple and all(type(v) is int for v in got)):
            raise CheckFailed(
                f"{what} should return a tuple of ints or None, but it returned {describe_type(got)}.",
                zh=f"{what} 应当返回由整数组成的元组或 None，但它返回了 {describe_type_zh(got)}。",
            )
        if got != torch_answer(shapes, dim):
            raise CheckFailed(f"{what} is not right.", zh=f"{what} 不对。")


# Every group holds a call that works with different sizes along dim, so answering as if
# cat were stack fails each of them.
JOINS = [
    ([(3, 4), (2, 4)], 0),
    ([(3, 4), (3, 2), (3, 1)], 1),
    ([(1, 2, 3), (1, 2, 3)], 2),
    ([(5,)], 0),
    ([(2, 3, 4), (2, 1, 4)], 1),
]
OTHER_AXES = [
    ([(3, 4), (2, 5)], 0),
    ([(4, 3), (2, 3)], 1),
    ([(3, 4), (3, 2)], 1),
    ([(2, 3, 4), (2, 3, 5)], 1),
    ([(2, 2), (2, 3), (3, 3)], 1),
]
DIMS = [
    ([(2, 3, 4), (2, 1, 4)], -2),
    ([(3, 2), (3, 5)], -1),
    ([(2, 3), (2, 3)], -3),
    ([(5,)], -1),
    ([(2, 3), (2, 3)], 2),
    ([(4, 1), (2, 1)], -2),
]
RANKS = [
    ([(2, 3), (2, 3, 1)], 0),
    ([(1, 3), (3,)], 0),
    ([(2, 3), (4, 3)], 0),
]


@points(1.25)
def test_joins(student):
    """calls that work: the sizes along dim add up, the other sizes stay
    zh: 能运行的调用：dim 上的长度相加，其他轴的长度不变"""
    check_cases(student, JOINS)


@points(1)
def test_other_axes_must_agree(student):
    """calls whose tensors differ on an axis other than dim
    zh: 张量在 dim 以外的轴上长度不同的调用"""
    check_cases(student, OTHER_AXES)


@points(0.75)
def test_negative_and_out_of_range_dims(student):
    """dims counted from the end, and dims out of range
    zh: 从末尾数的 dim，以及超出范围的 dim"""
    check_cases(student, DIMS)


@points(1)
def test_numbers_of_axes(student):
    """tensors with different numbers of axes
    zh: 轴数不同的张量"""
    check_cases(student, RANKS)


def random_cases(rng, count):
    def draw(low, high):
        return int(torch.randint(low, high, (1,), generator=rng))

    cases = []
    for _ in range(count):
        rank = draw(1, 4)
        base = [draw(1, 4) for _ in range(rank)]
        dim = draw(-rank - 1, rank + 1)
        shapes = []
        for _ in range(draw(2, 4)):
            shape = list(base)
            shape[draw(0, rank)] = draw(1, 4)
            shapes.append(tuple(shape))
        cases.append((shapes, dim))
    return cases


@points(0.5)
def test_random_cases(student, rng):
    """matches torch.cat on random shapes and dims
    zh: 在随机的形状和 dim 上与 torch.cat 的结果一致"""
    check_cases(student, random_cases(rng, 15))
