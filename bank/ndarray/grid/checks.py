import pytest
import torch

from grader.judge import check_tensor, points


def expected(rows, cols):
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)


@points(0.5)
@pytest.mark.parametrize("rows, cols", [(4, 3), (2, 5), (5, 2)])
def test_shape_dtype_and_values(student, rows, cols):
    """a float32 tensor of shape (rows, cols), filled row by row
    zh: 形状为 (rows, cols) 的 float32 张量，按行依次填数"""
    check_tensor(student.make_grid(rows, cols), expected(rows, cols), f"make_grid({rows}, {cols})")


@points(1)
def test_random_shape(student, rng):
    """a random non-square shape
    zh: 随机的非方阵形状"""
    rows, cols = (int(v) for v in torch.randint(2, 9, (2,), generator=rng))
    if rows == cols:
        cols += 1
    check_tensor(student.make_grid(rows, cols), expected(rows, cols), f"make_grid({rows}, {cols})")
