import pytest
import torch

from grader.judge import check_equal, points


def torch_answer(a, b):
    try:
        return tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        return None


def normalised(value):
    # torch.Size is a tuple too; accept it.
    return tuple(value) if type(value) is torch.Size else value


CASES = [
    ((2, 3, 4), (3, 1)),
    ((2, 3, 4), (3,)),
    ((5, 4), (5,)),
    ((1, 3, 1), (2, 1, 4)),
    ((), (2, 3)),
    ((4, 1), (1, 4)),
    ((0, 3), (1, 3)),
    ((2, 1), (8, 4, 3)),
]


@points(0.5)
@pytest.mark.parametrize("a, b", CASES, ids=[f"{a}+{b}" for a, b in CASES])
def test_known_pairs(student, a, b):
    """matches PyTorch's broadcasting on a fixed set of shape pairs"""
    check_equal(
        normalised(student.broadcast_shape(a, b)), torch_answer(a, b), f"broadcast_shape({a}, {b})"
    )


@points(1)
def test_random_pairs(student, rng):
    """matches PyTorch's broadcasting on random shape pairs"""
    for _ in range(12):
        shapes = []
        for _ in range(2):
            rank = int(torch.randint(0, 4, (1,), generator=rng))
            shapes.append(tuple(int(s) for s in torch.randint(1, 4, (rank,), generator=rng)))
        a, b = shapes
        check_equal(
            normalised(student.broadcast_shape(a, b)),
            torch_answer(a, b),
            f"broadcast_shape({a}, {b})",
        )
