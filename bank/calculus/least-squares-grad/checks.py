import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_gradient(A, X, B):
    leaf = X.clone().requires_grad_(True)
    ((A @ leaf - B) ** 2).sum().backward()
    return leaf.grad


def check_gradient(student, A, X, B, what, **tolerances):
    call = student.call("least_squares_grad", A, X, B)
    check_tensor(call.unwrap(), autograd_gradient(A, X, B), what, check_device=False, **tolerances)
    for index, (name, before) in enumerate(zip("AXB", (A, X, B))):
        check_unchanged(call.input_after(index), before, name)


@points(1.25)
@pytest.mark.parametrize("m, n, k", [(5, 3, 2), (4, 4, 3), (2, 6, 1), (3, 3, 3)])
def test_gradient(student, rng, m, n, k):
    """the gradient has the shape of X and equals the autograd gradient; inputs unchanged
    zh: 梯度和 X 形状相同，并等于自动微分算出的梯度；输入保持不变"""
    A = torch.randn(m, n, generator=rng)
    X, B = torch.randn(n, k, generator=rng), torch.randn(m, k, generator=rng)
    check_gradient(
        student,
        A,
        X,
        B,
        Text(
            f"least_squares_grad for A {m}x{n}, X {n}x{k}",
            zh=f"least_squares_grad（A 为 {m}x{n}，X 为 {n}x{k}）",
        ),
        rtol=1e-4,
        atol=1e-4,
    )


@points(1)
def test_float64(student, rng):
    """float64 is kept
    zh: 结果仍是 float64"""
    A = torch.randn(6, 2, generator=rng, dtype=torch.float64)
    X = torch.randn(2, 4, generator=rng, dtype=torch.float64)
    B = torch.randn(6, 4, generator=rng, dtype=torch.float64)
    check_gradient(
        student,
        A,
        X,
        B,
        Text("least_squares_grad for float64 inputs", zh="least_squares_grad（输入为 float64）"),
        rtol=1e-10,
        atol=1e-10,
    )
