import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_unchanged,
    describe_type,
    describe_type_zh,
    points,
)

CASES = [((12,), 4), ((12,), 3), ((2, 3, 4), 8), ((5, 6), 3)]


@points(0.25)
@pytest.mark.parametrize("shape, ncols", CASES)
def test_rows_inferred(student, rng, shape, ncols):
    """ncols columns, rows inferred, elements in row-major order
    zh: ncols 列，行数自动推断，元素按行优先顺序排列"""
    x = torch.randint(-50, 50, shape, generator=rng)
    check_tensor(
        student.to_matrix(x, ncols),
        x.reshape(-1, ncols),
        Text(
            f"to_matrix(x, {ncols}) for x of shape {shape}",
            zh=f"x 的形状为 {shape} 时的 to_matrix(x, {ncols})",
        ),
    )


@points(0.5)
@pytest.mark.parametrize(
    "shape, ncols, valid_shape, valid_ncols", [((12,), 5, (3, 4), 6), ((2, 5), 4, (2, 5), 5)]
)
def test_not_a_multiple_raises(student, rng, shape, ncols, valid_shape, valid_ncols):
    """raises RuntimeError when x.numel() is not a multiple of ncols (and works when it is)
    zh: x.numel() 不是 ncols 的倍数时抛出 RuntimeError（是倍数时正常运行）"""
    x = torch.randn(shape, generator=rng)
    call = student.call("to_matrix", x, ncols)
    if call.raised is None:
        raise CheckFailed(
            f"to_matrix(x, {ncols}) for x of shape {shape} should raise RuntimeError "
            f"(x.numel() is not a multiple of {ncols}), but it returned "
            f"{describe_type(call.result)}.",
            zh=f"x 的形状为 {shape} 时，to_matrix(x, {ncols}) 应当抛出 RuntimeError（x.numel() 不是 {ncols} 的倍数），但它返回了 {describe_type_zh(call.result)}。",
        )
    if call.raised.type != "RuntimeError":
        raise CheckFailed(
            f"to_matrix(x, {ncols}) for x of shape {shape} raised {call.raised.type}, "
            "but RuntimeError was expected.",
            zh=f"x 的形状为 {shape} 时，to_matrix(x, {ncols}) 抛出了 {call.raised.type}，但应当抛出的是 RuntimeError。",
        )
    y = torch.randn(valid_shape, generator=rng)
    check_tensor(
        student.to_matrix(y, valid_ncols),
        y.reshape(-1, valid_ncols),
        Text(
            f"to_matrix(x, {valid_ncols}) for x of shape {valid_shape}",
            zh=f"x 的形状为 {valid_shape} 时的 to_matrix(x, {valid_ncols})",
        ),
    )


@points(0.5)
def test_float64_kept_and_input_unchanged(student, rng):
    """keeps float64 and leaves x unchanged
    zh: 保持 float64，x 保持不变"""
    x = torch.randn(3, 2, 4, generator=rng, dtype=torch.float64)
    call = student.call("to_matrix", x, 6)
    check_tensor(
        call.unwrap(),
        x.reshape(-1, 6),
        Text(
            "to_matrix(x, 6) for a float64 x of shape (3, 2, 4)",
            zh="x 为形状 (3, 2, 4) 的 float64 张量时的 to_matrix(x, 6)",
        ),
    )
    check_unchanged(call.input_after(0), x, "x")
