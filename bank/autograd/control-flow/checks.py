import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def reference(a):
    a = a.detach().clone().requires_grad_(True)
    c = f(a)
    c.sum().backward()
    return c.detach(), a.grad


def check_pair(out, a):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed("control_flow_grad(a) should return a pair (f(a), gradient).")
    value, grad = out
    want_value, want_grad = reference(a)
    check_tensor(
        value.detach() if type(value) is torch.Tensor else value,
        want_value,
        "f(a)",
        rtol=1e-5,
        atol=1e-3,
        check_device=False,
    )
    check_tensor(grad, want_grad, "the gradient", rtol=1e-5, atol=1e-3, check_device=False)


@points(1)
@pytest.mark.parametrize("sign", ["positive", "negative"])
def test_scalar(student, rng, sign):
    """a scalar a, on both branches of the if"""
    a = torch.rand((), generator=rng) + 0.1
    if sign == "negative":
        a = -a
    check_pair(student.control_flow_grad(a), a)


@points(1)
@pytest.mark.parametrize("n", [3, 5])
def test_vector(student, rng, n):
    """a vector a: the gradient has a's shape"""
    a = torch.randn(n, generator=rng)
    check_pair(student.control_flow_grad(a), a)
