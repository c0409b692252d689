import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
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
    """the gradient of Σ vᵢ·yᵢ with y = x * x, by autograd, for vectors and higher-rank tensors
    zh: 用自动微分求 Σ vᵢ·yᵢ（其中 y = x * x）的梯度，x 为向量或更高维的张量"""
    x, v = torch.randn(shape, generator=rng), torch.randn(shape, generator=rng)
    call = student.call("weighted_grad", x, v)
    check_tensor(
        call.unwrap(),
        reference(x, v),
        Text(
            f"weighted_grad(x, v) for shape {shape}", zh=f"形状为 {shape} 时的 weighted_grad(x, v)"
        ),
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )
    check_used_autograd(call, "weighted_grad(x, v)")


@points(2)
def test_float64_and_unchanged(student, rng):
    """float64 matrices: the dtype is kept; the caller's x and v keep their values, and x gets no gradient
    zh: float64 矩阵：dtype 保持不变；调用者传入的 x 和 v 的值不变，x 也没有得到梯度"""
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
            "the caller's x now requires grad or holds a .grad; work on a detached copy.",
            zh="调用者传入的 x 现在 requires_grad 为 True 或带有 .grad；请在 detach 出的副本上计算。",
        )
