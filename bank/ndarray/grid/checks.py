import pytest
import torch

from grader.judge import check_tensor, points


def expected(rows, cols):
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)


@points(1)
def test_dtype_is_float32(student):
    """the tensor is float32"""
    out = student.make_grid(3, 4)
    check_tensor(out, expected(3, 4), "make_grid(3, 4)")


@points(0.5)
@pytest.mark.parametrize("rows, cols", [(1, 1), (4, 3), (2, 5), (5, 2)])
def test_shape_and_values(student, rows, cols):
    """shape (rows, cols), filled row by row"""
    check_tensor(student.make_grid(rows, cols), expected(rows, cols), f"make_grid({rows}, {cols})")


@points(1)
def test_random_shape(student, rng):
    """a random non-square shape"""
    rows, cols = (int(v) for v in torch.randint(2, 9, (2,), generator=rng))
    if rows == cols:
        cols += 1
    check_tensor(student.make_grid(rows, cols), expected(rows, cols), f"make_grid({rows}, {cols})")
