import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


def uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


def pairs(rng):
    """Two (p_a, p_b): one with p_a + p_b < 1, one with p_a + p_b > 1."""
    a = uniform(rng, 0.05, 0.5)
    apart = (a, uniform(rng, 0.05, 0.95 - a))
    b = uniform(rng, 0.3, 0.95)
    overlapping = (uniform(rng, 1.05 - b, 0.99), b)
    return [apart, overlapping]


def unpack(out):
    shape_ok = type(out) in (tuple, list) and len(out) == 2
    if shape_ok and all(type(pair) in (tuple, list) and len(pair) == 2 for pair in out):
        return [x for pair in out for x in pair]
    raise CheckFailed(
        "union_intersection_bounds(p_a, p_b) should return "
        f"((union_low, union_high), (inter_low, inter_high)), but it returned {describe_type(out)}.",
        zh="union_intersection_bounds(p_a, p_b) 应当返回 "
        "((union_low, union_high), (inter_low, inter_high))，"
        f"但它返回的是{describe_type_zh(out)}。",
    )


@points(1)
@pytest.mark.parametrize("case", ["first", "second", "third"])
def test_bounds(student, rng, case):
    """tight bounds, for events that may be disjoint and events that must overlap
    zh: 紧的上下界：分别针对可能互斥的事件和必然相交的事件"""
    for p_a, p_b in pairs(rng):
        got = unpack(student.union_intersection_bounds(p_a, p_b))
        expected = [max(p_a, p_b), min(1.0, p_a + p_b), max(0.0, p_a + p_b - 1), min(p_a, p_b)]
        names = ["union_low", "union_high", "inter_low", "inter_high"]
        for value, want, name in zip(got, expected, names):
            check_close(
                value,
                want,
                Text(
                    f"{name} for p_a = {p_a:.4f}, p_b = {p_b:.4f}",
                    zh=f"p_a = {p_a:.4f}、p_b = {p_b:.4f} 时的 {name}",
                ),
                atol=1e-6,
            )
