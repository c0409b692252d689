import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def points_apart(rng, n, dtype):
    """Two points whose differences have both signs and different sizes along the axes."""
    p = torch.randn(n, generator=rng, dtype=dtype) * 5
    steps = torch.rand(n, generator=rng, dtype=dtype) * 4 + 0.5
    signs = torch.ones(n, dtype=dtype)
    signs[1::2] = -1
    return p, p + steps * signs


def check_distance(student, p, q, what):
    call = student.call("manhattan", p, q)
    check_tensor(call.unwrap(), (p - q).abs().sum(), what, rtol=1e-5, atol=1e-5)
    check_unchanged(call.input_after(0), p, "p")
    check_unchanged(call.input_after(1), q, "q")


@points(1)
@pytest.mark.parametrize("n", [2, 5])
def test_distance(student, rng, n):
    """the sum of the distances along every axis, a 0-d float32 tensor; p and q unchanged
    zh: 沿每个轴的距离之和，是 0 维 float32 张量；p 和 q 保持不变"""
    p, q = points_apart(rng, n, torch.float32)
    check_distance(
        student,
        p,
        q,
        Text(
            f"manhattan(p, q) for points with {n} coordinates",
            zh=f"manhattan(p, q)（点有 {n} 个坐标）",
        ),
    )


@points(0.5)
def test_float64(student, rng):
    """float64 points give a float64 distance
    zh: float64 的点得到 float64 的距离"""
    p, q = points_apart(rng, 3, torch.float64)
    check_distance(
        student,
        p,
        q,
        Text("manhattan(p, q) for float64 points", zh="manhattan(p, q)（点为 float64）"),
    )
