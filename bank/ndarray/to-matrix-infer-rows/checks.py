import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, describe_type, points

CASES = [((12,), 4), ((12,), 3), ((2, 3, 4), 8), ((5, 6), 3)]


@points(0.25)
@pytest.mark.parametrize("shape, ncols", CASES)
def test_rows_inferred(student, rng, shape, ncols):
    """ncols columns, rows inferred, elements in row-major order"""
    x = torch.randint(-50, 50, shape, generator=rng)
    check_tensor(
        student.to_matrix(x, ncols),
        x.reshape(-1, ncols),
        f"to_matrix(x, {ncols}) for x of shape {shape}",
    )


@points(0.5)
@pytest.mark.parametrize(
    "shape, ncols, valid_shape, valid_ncols", [((12,), 5, (3, 4), 6), ((2, 5), 4, (2, 5), 5)]
)
def test_not_a_multiple_raises(student, rng, shape, ncols, valid_shape, valid_ncols):
    """raises RuntimeError when x.numel() is not a multiple of ncols (and works when it is)"""
    x = torch.randn(shape, generator=rng)
    call = student.call("to_matrix", x, ncols)
    if call.raised is None:
        raise CheckFailed(
            f"to_matrix(x, {ncols}) for x of shape {shape} should raise RuntimeError "
            f"(x.numel() is not a multiple of {ncols}), but it returned "
            f"{describe_type(call.result)}."
        )
    if call.raised.type != "RuntimeError":
        raise CheckFailed(
            f"to_matrix(x, {ncols}) for x of shape {shape} raised {call.raised.type}, "
            "but RuntimeError was expected."
        )
    y = torch.randn(valid_shape, generator=rng)
    check_tensor(
        student.to_matrix(y, valid_ncols),
        y.reshape(-1, valid_ncols),
        f"to_matrix(x, {valid_ncols}) for x of shape {valid_shape}",
    )


@points(0.5)
def test_float64_kept_and_input_unchanged(student, rng):
    """keeps float64 and leaves x unchanged"""
    x = torch.randn(3, 2, 4, generator=rng, dtype=torch.float64)
    call = student.call("to_matrix", x, 6)
    check_tensor(
        call.unwrap(), x.reshape(-1, 6), "to_matrix(x, 6) for a float64 x of shape (3, 2, 4)"
    )
    check_unchanged(call.input_after(0), x, "x")
