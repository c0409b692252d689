import functools

import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points


# torch.broadcast_shapes is Python (~150 µs a call, 25 calls a submission): a batch worker asks
# for the same pairs with every submission, so each pair's answer is worked out once.
@functools.lru_cache(maxsize=4096)
def torch_answer(a, b):
    try:
        return tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        return None


def check_pairs(student, pairs):
    # The messages name the pair only: saying "should be None" or "should be a tuple" would
    # tell whether the pair broadcasts, which is the question.
    for a, b in pairs:
        what = f"broadcast_shape({a}, {b})"
        got = student.broadcast_shape(a, b)
        if type(got) is torch.Size:  # a torch.Size is a tuple too; accept it
            got = tuple(got)
        if got is not None and not (type(got) is tuple and all(type(v) is int for v in got)):
            raise CheckFailed(
                f"{what} should return a tuple of ints or None, but it returned {describe_type(got)}.",
                zh=f"{what} 应当返回由整数组成的元组或 None，但它返回了 {describe_type_zh(got)}。",
            )
        if got != torch_answer(a, b):
            raise CheckFailed(f"{what} is not right.", zh=f"{what} 不对。")


KNOWN = [
    ((2, 3, 4), (3,)),
    ((5, 4), (5,)),
    ((1, 3, 1), (2, 1, 4)),
    ((), (2, 3)),
    ((4, 1), (1, 4)),
    ((2, 1), (8, 4, 3)),
    ((6, 1, 5), (7, 1)),
    ((3,), (4, 3)),
    ((2, 3), (3, 2)),
]


@points(2)
def test_known_pairs(student):
    """matches PyTorch's broadcasting on a fixed set of shape pairs
    zh: 在一组固定的形状对上与 PyTorch 的广播结果一致"""
    check_pairs(student, KNOWN)


def random_pairs(rng, count):
    """Pairs of different ranks, compatible and not: every wrong alignment shows."""

    def draw(low, high):
        return int(torch.randint(low, high, (1,), generator=rng))

    pairs = []
    for i in range(count):
        rank = draw(2, 5)
        a = [draw(2, 5) for _ in range(rank)]
        k = draw(1, rank)  # b is shorter than a
        b = a[rank - k :]
        for j in range(k):
            if draw(0, 3) == 0:
                b[j] = 1
            elif draw(0, 4) == 0:
                a[rank - k + j] = 1  # a 1 in the longer shape stretches too
        if i % 3 == 0:  # an incompatible axis
            j = draw(0, k)
            b[j] = a[rank - k + j] + 1 if a[rank - k + j] > 1 else 2
            a[rank - k + j] = max(a[rank - k + j], 2)
        pair = (tuple(a), tuple(b))
        pairs.append(pair if draw(0, 2) else pair[::-1])
    return pairs


@points(1.5)
def test_random_pairs(student, rng):
    """matches PyTorch's broadcasting on random shape pairs of different ranks
    zh: 在维数不同的随机形状对上与 PyTorch 的广播结果一致"""
    check_pairs(student, random_pairs(rng, 12))


ZERO = [((0, 3), (1, 3)), ((2, 1), (2, 0)), ((0,), (3, 1)), ((0, 3), (2, 3)), ((1, 0), (4, 1))]


@points(1)
def test_zero_sized_axes(student):
    """axes of size 0 broadcast like any other size
    zh: 长度为 0 的轴和其他长度一样参与广播"""
    check_pairs(student, ZERO)
