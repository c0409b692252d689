import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_gradient(X):
    X = X.clone().requires_grad_(True)
    (X * X).sum().backward()
    return X.grad


def check_gradient(student, X, what, **tolerances):
    call = student.call("sq_norm_grad", X)
    check_tensor(call.unwrap(), autograd_gradient(X), what, check_device=False, **tolerances)
    check_unchanged(call.input_after(0), X, "X")


@points(0.5)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_gradient(student, rng, shape):
    """the gradient has the shape of X and equals the autograd gradient; X left unchanged
    zh: 梯度和 X 形状相同，并等于自动微分算出的梯度；X 保持不变"""
    X = torch.randn(shape, generator=rng)
    check_gradient(
        student,
        X,
        Text(
            f"sq_norm_grad(X) for X of shape {shape}", zh=f"sq_norm_grad(X)（X 的形状为 {shape}）"
        ),
        rtol=1e-5,
        atol=1e-6,
    )


@points(1)
def test_float64(student, rng):
    """float64 is kept; X left unchanged
    zh: 结果仍是 float64；X 保持不变"""
    X = torch.randn(4, 2, generator=rng, dtype=torch.float64)
    check_gradient(
        student,
        X,
        Text("sq_norm_grad(X) for a float64 X", zh="sq_norm_grad(X)（X 为 float64）"),
        rtol=1e-10,
        atol=1e-12,
    )
