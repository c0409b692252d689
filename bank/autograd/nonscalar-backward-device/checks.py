import pytest
import torch

from grader.judge import check_tensor, check_untouched, points


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_gradient(student, rng, device, dtype):
    """2x, with x's dtype, on x's device"""
    x = torch.randn(6, generator=rng, dtype=dtype).to(device)
    check_tensor(
        student.grad_of_squares(x), 2 * x, f"grad_of_squares(x) for a {dtype} x on {device}"
    )


@points(1)
def test_follows_the_device(student):
    """the backward pass runs on x's device (checked with the meta device)"""
    x = torch.empty(5, device="meta")
    check_tensor(
        student.grad_of_squares(x),
        torch.empty(5, device="meta"),
        "grad_of_squares(x) for x on another device",
    )


@points(1)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad"""
    x = torch.randn(4, generator=rng)
    call = student.call("grad_of_squares", x)
    check_tensor(call.unwrap(), 2 * x, "grad_of_squares(x)")
    check_untouched(call.input_after(0), x)
