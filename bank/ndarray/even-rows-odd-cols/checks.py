import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(0.5)
@pytest.mark.parametrize("rows, cols", [(5, 4), (4, 7), (1, 6)])
def test_slices(student, rng, rows, cols):
    """rows 0, 2, 4, … and columns 1, 3, 5, …
    zh: 第 0、2、4…… 行和第 1、3、5…… 列"""
    X = torch.randint(-100, 100, (rows, cols), generator=rng)
    check_tensor(
        student.even_rows_odd_cols(X),
        X[::2, 1::2],
        Text(
            f"even_rows_odd_cols(X) for a {rows}x{cols} X",
            zh=f"X 为 {rows}x{cols} 时的 even_rows_odd_cols(X)",
        ),
    )


@points(1)
def test_float_input_unchanged(student, rng):
    """works for a float X with a single column, and leaves X unchanged
    zh: 浮点型的 X 只有一列时也能用，且 X 保持不变"""
    X = torch.randn(5, 1, generator=rng)
    call = student.call("even_rows_odd_cols", X)
    check_tensor(
        call.unwrap(),
        X[::2, 1::2],
        Text("even_rows_odd_cols(X) for a 5x1 X", zh="X 为 5x1 时的 even_rows_odd_cols(X)"),
    )
    check_unchanged(call.input_after(0), X, "X")
