import pytest
import torch

from grader.judge import (
    CheckFailed,
    check_tensor,
    check_unchanged,
    check_used_autograd,
    points,
    remote_info,
)


def reference(x, v):
    x = x.detach().clone().requires_grad_(True)
    (x * x).backward(gradient=v)
    return x.grad


@points(1)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_weighted(student, rng, shape):
    """the gradient of Σ vᵢ·yᵢ with y = x * x, by autograd, for vectors and higher-rank tensors"""
    x, v = torch.randn(shape, generator=rng), torch.randn(shape, generator=rng)
    call = student.call("weighted_grad", x, v)
    check_tensor(
        call.unwrap(),
        reference(x, v),
        f"weighted_grad(x, v) for shape {shape}",
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )
    check_used_autograd(call, "weighted_grad(x, v)")


@points(2)
def test_float64_and_unchanged(student, rng):
    """float64 matrices: the dtype is kept; the caller's x and v keep their values, and x gets no gradient"""
    x = torch.randn(2, 3, generator=rng, dtype=torch.float64)
    v = torch.randn(2, 3, generator=rng, dtype=torch.float64)
    call = student.call("weighted_grad", x, v)
    check_tensor(
        call.unwrap(),
        reference(x, v),
        "weighted_grad(x, v)",
        rtol=1e-10,
        atol=1e-12,
        check_device=False,
    )
    check_used_autograd(call, "weighted_grad(x, v)")
    after = call.input_after(0)
    check_unchanged(after, x, "x")
    check_unchanged(call.input_after(1), v, "v")
    info = remote_info(after)
    if info is not None and (info.requires_grad or info.grad is not None):
        raise CheckFailed(
            "the caller's x now requires grad or holds a .grad; work on a detached copy."
        )
