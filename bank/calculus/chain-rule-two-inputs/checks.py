import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def draw_functions(rng):
    """x(a, b), y(a, b), z(a, b) and u(x, y, z) with random coefficients."""
    c = (torch.rand(6, generator=rng, dtype=torch.float64) + 0.5).tolist()

    def inner(a, b):
        return torch.stack([a * b + c[0] * a, torch.sin(c[1] * a) + b, torch.exp(c[2] * (a - b))])

    def outer(v):
        x, y, z = v
        return x * y + c[3] * z**2 + torch.tanh(c[4] * x) + c[5] * y * z

    return inner, outer


def partials(rng, dtype):
    """At a random (a, b): the given partials, and (∂u/∂a, ∂u/∂b) by autograd through u."""
    inner, outer = draw_functions(rng)
    ab = (torch.rand(2, generator=rng, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    v = inner(ab[0], ab[1])
    (expected,) = torch.autograd.grad(outer(v), ab, retain_graph=True)
    leaf = v.detach().requires_grad_(True)
    (du_dxyz,) = torch.autograd.grad(outer(leaf), leaf)
    dxyz_dab = torch.stack([torch.autograd.grad(v[i], ab, retain_graph=True)[0] for i in range(3)])
    return du_dxyz.to(dtype), dxyz_dab.to(dtype), expected.to(dtype)


def check_rule(student, g, J, expected, what, **tolerances):
    call = student.call("chain_rule_grad", g, J)
    check_tensor(call.unwrap(), expected, what, **tolerances)
    check_unchanged(call.input_after(0), g, "du_dxyz")
    check_unchanged(call.input_after(1), J, "dxyz_dab")


@points(1)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_three_paths(student, rng, dtype):
    """(∂u/∂a, ∂u/∂b) for partials taken from a random u(x(a, b), y(a, b), z(a, b)); inputs unchanged
    zh: 由随机函数 u(x(a, b), y(a, b), z(a, b)) 的偏导数求 (∂u/∂a, ∂u/∂b)；输入保持不变"""
    g, J, expected = partials(rng, dtype)
    check_rule(student, g, J, expected, "chain_rule_grad(du_dxyz, dxyz_dab)", rtol=1e-5, atol=1e-6)


@points(1)
def test_another_point(student, rng):
    """the same at another random point of another random u
    zh: 换一个随机的 u，在另一个随机点上再算一次"""
    g, J, expected = partials(rng, torch.float32)
    check_rule(student, g, J, expected, "chain_rule_grad(du_dxyz, dxyz_dab)", rtol=1e-5, atol=1e-6)


@points(0.5)
@pytest.mark.parametrize("n, k", [(4, 3), (2, 5)])
def test_other_sizes(student, rng, n, k):
    """n intermediate variables and k inputs give a result of shape (k,)
    zh: n 个中间变量、k 个输入时，结果的形状为 (k,)"""
    g, J = torch.randn(n, generator=rng), torch.randn(n, k, generator=rng)
    expected = (g.double()[:, None] * J.double()).sum(dim=0).float()
    check_rule(
        student,
        g,
        J,
        expected,
        Text(f"chain_rule_grad for n = {n}, k = {k}", zh=f"chain_rule_grad（n = {n}，k = {k}）"),
        rtol=1e-5,
        atol=1e-6,
    )
