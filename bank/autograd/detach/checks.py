import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points, remote_info


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
    after = call.input_after(0)
    info = remote_info(after)
    if not torch.equal(after.detach(), x):
        raise CheckFailed("the values of the caller's x were changed.")
    if info is not None and (info.requires_grad or info.grad is not None):
        raise CheckFailed(
            "the caller's x now requires grad or holds a .grad; work on a detached copy."
        )
