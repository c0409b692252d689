import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def draw_point_values(rng, n, dtype):
    """Values of f, g, f′, g′ at n random points for f(x) = sin(a·x) + x², g(x) = e^{b·x} + c
    (g > 0), and the derivatives of f·g and f/g there by autograd."""
    a, b, c = (torch.rand(3, generator=rng, dtype=torch.float64) + 0.5).tolist()
    x = (torch.rand(n, generator=rng, dtype=torch.float64) * 4 - 2).requires_grad_(True)
    f = torch.sin(a * x) + x**2
    g = torch.exp(b * x) + c
    df, dg, d_product, d_quotient = (
        torch.autograd.grad(y.sum(), x, retain_graph=True)[0] for y in (f, g, f * g, f / g)
    )
    return [t.detach().to(dtype) for t in (f, g, df, dg, d_product, d_quotient)]


def check_rules(student, rng, n, dtype, **tolerances):
    f, g, df, dg, d_product, d_quotient = draw_point_values(rng, n, dtype)
    call = student.call("product_quotient_derivatives", f, g, df, dg)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "product_quotient_derivatives(f, g, df, dg) should return a pair (d_product, d_quotient).",
            zh="product_quotient_derivatives(f, g, df, dg) 应当返回一对 (d_product, d_quotient)。",
        )
    check_tensor(
        out[0],
        d_product,
        Text("the derivative of f·g", zh="f·g 的导数"),
        check_device=False,
        **tolerances,
    )
    check_tensor(
        out[1],
        d_quotient,
        Text("the derivative of f/g", zh="f/g 的导数"),
        check_device=False,
        **tolerances,
    )
    for index, name in enumerate(("f", "g", "df", "dg")):
        check_unchanged(call.input_after(index), (f, g, df, dg)[index], name)


@points(1.5)
@pytest.mark.parametrize("n", [5, 3])
def test_random_functions(student, rng, n):
    """(f·g)′ and (f/g)′ from the values of random functions at random points; inputs unchanged
    zh: 由随机函数在随机点上的值求 (f·g)′ 和 (f/g)′；输入保持不变"""
    check_rules(student, rng, n, torch.float32, rtol=1e-5, atol=1e-5)


@points(1)
def test_float64(student, rng):
    """float64 is kept
    zh: 结果仍是 float64"""
    check_rules(student, rng, 4, torch.float64, rtol=1e-12, atol=1e-12)
