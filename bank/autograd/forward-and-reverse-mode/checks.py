import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, check_used_autograd, points
from grader.judge.functions import autograd_jvp, autograd_vjp, random_map_function

SHAPES = pytest.mark.parametrize("n, m", [(4, 4), (5, 3)], ids=["square", "5-to-3"])


@points(1.5)
@SHAPES
def test_forward_jvp(student, rng, n, m):
    """J·v at x for a map drawn at random, by autograd
    zh: 对随机生成的映射，用自动微分求 x 处的 J·v"""
    f = random_map_function(rng, n, m)
    x, v = torch.randn(n, generator=rng), torch.randn(n, generator=rng)
    call = student.call("forward_jvp", f, x, v)
    out = call.unwrap()
    check_tensor(
        out.detach() if type(out) is torch.Tensor else out,
        autograd_jvp(f, x, v),
        Text(
            f"forward_jvp(f, x, v) for f from length {n} to length {m}",
            zh=f"f 把长度 {n} 映射到长度 {m} 时的 forward_jvp(f, x, v)",
        ),
        rtol=1e-4,
        atol=1e-5,
        check_device=False,
    )
    check_used_autograd(call, "forward_jvp(f, x, v)", forward_mode=True)
    check_unchanged(call.input_after(1), x, "x")
    check_unchanged(call.input_after(2), v, "v")


@points(1.5)
@SHAPES
def test_reverse_vjp(student, rng, n, m):
    """uᵀ·J at x for a map drawn at random, by autograd
    zh: 对随机生成的映射，用自动微分求 x 处的 uᵀ·J"""
    f = random_map_function(rng, n, m)
    x, u = torch.randn(n, generator=rng), torch.randn(m, generator=rng)
    call = student.call("reverse_vjp", f, x, u)
    out = call.unwrap()
    check_tensor(
        out.detach() if type(out) is torch.Tensor else out,
        autograd_vjp(f, x, u),
        Text(
            f"reverse_vjp(f, x, u) for f from length {n} to length {m}",
            zh=f"f 把长度 {n} 映射到长度 {m} 时的 reverse_vjp(f, x, u)",
        ),
        rtol=1e-4,
        atol=1e-5,
        check_device=False,
    )
    check_used_autograd(call, "reverse_vjp(f, x, u)", forward_mode=True)
    check_unchanged(call.input_after(1), x, "x")
    check_unchanged(call.input_after(2), u, "u")
