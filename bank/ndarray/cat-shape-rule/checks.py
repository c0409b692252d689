import pytest
import torch

from grader.judge import CheckFailed, check_equal, points


def torch_answer(shapes, dim):
    try:
        tensors = [torch.empty(s, device="meta") for s in shapes]
        return tuple(torch.cat(tensors, dim).shape)
    except (RuntimeError, IndexError):
        return None


def check_answer(actual, expected, what):
    # check_equal would name the expected type, which tells "None" apart from "a tuple".
    if (actual is None) != (expected is None):
        raise CheckFailed(f"{what} is not correct.")
    check_equal(actual, expected, what)


def normalised(value):
    # torch.Size is a tuple too; accept it.
    return tuple(value) if type(value) is torch.Size else value


CASES = [
    ([(3, 4), (2, 4)], 0),
    ([(3, 4), (3, 2), (3, 1)], 1),
    ([(3, 4), (2, 5)], 0),
    ([(2, 3, 4), (2, 1, 4)], -2),
    ([(2, 3), (2, 3, 1)], 0),
    ([(2, 3), (2, 3)], 2),
    ([(2, 3), (2, 3)], -3),
    ([(5,)], -1),
    ([(2, 3), (4, 3)], -1),
    ([(1, 2, 3), (1, 2, 3)], 2),
]


@points(0.4)
@pytest.mark.parametrize(
    "shapes, dim", CASES, ids=[f"{'+'.join(map(str, s))}@{d}" for s, d in CASES]
)
def test_known_cases(student, shapes, dim):
    """matches torch.cat on a fixed set of shapes and dims"""
    check_answer(
        normalised(student.cat_shape(list(shapes), dim)),
        torch_answer(shapes, dim),
        f"cat_shape({list(shapes)}, {dim})",
    )


@points(1)
def test_random_cases(student, rng):
    """matches torch.cat on random shapes and dims"""
    for _ in range(15):
        rank = int(torch.randint(1, 4, (1,), generator=rng))
        base = [int(v) for v in torch.randint(1, 4, (rank,), generator=rng)]
        dim = int(torch.randint(-rank - 1, rank + 1, (1,), generator=rng))
        shapes = []
        for _ in range(int(torch.randint(2, 4, (1,), generator=rng))):
            shape = list(base)
            axis = int(torch.randint(0, rank, (1,), generator=rng))
            shape[axis] = int(torch.randint(1, 4, (1,), generator=rng))
            shapes.append(tuple(shape))
        check_answer(
            normalised(student.cat_shape(list(shapes), dim)),
            torch_answer(shapes, dim),
            f"cat_shape({shapes}, {dim})",
        )
