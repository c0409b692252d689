import pytest
import torch

from grader.judge import check_tensor, check_untouched, points


@points(1.5)
@pytest.mark.parametrize("n", [4, 7])
def test_gradient_is_u(student, rng, n):
    """the gradient equals u = x·x (u is a constant)"""
    x = torch.randn(n, generator=rng)
    check_tensor(
        student.detached_grad(x),
        x * x,
        "detached_grad(x)",
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )


@points(1)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad"""
    x = torch.randn(5, generator=rng)
    call = student.call("detached_grad", x)
    check_tensor(call.unwrap(), x * x, "detached_grad(x)", rtol=1e-5, atol=1e-6, check_device=False)
    check_untouched(call.input_after(0), x)
