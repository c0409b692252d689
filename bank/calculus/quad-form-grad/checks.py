import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_gradient(A, x):
    x = x.clone().requires_grad_(True)
    (x @ A @ x).backward()
    return x.grad


@points(1.5)
@pytest.mark.parametrize("n", [3, 5])
def test_non_symmetric(student, rng, n):
    """the gradient for a non-symmetric A equals the autograd gradient
    zh: A 不对称时，梯度等于自动微分算出的梯度"""
    A, x = torch.randn(n, n, generator=rng), torch.randn(n, generator=rng)
    check_tensor(
        student.quad_form_grad(A, x),
        autograd_gradient(A, x),
        Text(f"quad_form_grad(A, x) for a {n}x{n} A", zh=f"quad_form_grad(A, x)（A 为 {n}x{n}）"),
        rtol=1e-4,
        atol=1e-5,
    )


@points(1)
def test_inputs_unchanged(student, rng):
    """correct, and A and x are left unchanged
    zh: 结果正确，且 A 和 x 保持不变"""
    A, x = torch.randn(4, 4, generator=rng), torch.randn(4, generator=rng)
    call = student.call("quad_form_grad", A, x)
    check_tensor(
        call.unwrap(), autograd_gradient(A, x), "quad_form_grad(A, x)", rtol=1e-4, atol=1e-5
    )
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), x, "x")
