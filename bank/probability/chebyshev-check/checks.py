import math

import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


def symmetric_integers(rng, half, spread):
    """Whole numbers c ± d, symmetric about c: their mean is exactly c, so every |x - μ| is an
    exact whole number however the mean is computed, and ε = a whole number has real ties."""
    centre = float(torch.randint(-5, 6, (), generator=rng))
    d = torch.randint(-spread, spread + 1, (half,), generator=rng).float()
    x = torch.cat([centre + d, centre - d])
    return x[torch.randperm(len(x), generator=rng)]


# The kinds of data, in Chinese (for the messages).
DATA_ZH = {
    "uniform-integers": "均匀分布的整数",
    "rounded-normal": "取整后的正态值",
    "wide-integers": "分布较宽的整数",
}


def rounded_normal(rng, half, scale):
    d = torch.round(scale * torch.randn(half, generator=rng))
    return torch.cat([3.0 + d, 3.0 - d])


@points(1)
@pytest.mark.parametrize("data", ["uniform-integers", "rounded-normal", "wide-integers"])
def test_chebyshev_check(student, rng, data):
    """tail fraction and bound, for a small ε (bound capped at 1), an ε with values exactly ε
    away, and a large ε
    zh: 尾部比例和界，分别取较小的 ε（界被截为 1）、恰好有值与均值相距 ε 的 ε，以及较大的 ε"""
    if data == "uniform-integers":
        x = symmetric_integers(rng, 200, 4)
    elif data == "rounded-normal":
        x = rounded_normal(rng, 300, 3.0)
    else:
        x = symmetric_integers(rng, 150, 9)
    xd = x.double()
    mu = xd.mean()
    var = float(((xd - mu) ** 2).mean())
    sigma = var**0.5
    # a small ε (the bound is capped at 1), and two whole-number ε beyond σ (bounds below 1;
    # the first is within the spread of the data, so some values are exactly ε away)
    for eps in (0.5, float(math.ceil(1.2 * sigma)), float(math.ceil(2 * sigma))):
        out = student.chebyshev_check(x, eps)
        if type(out) not in (tuple, list) or len(out) != 2:
            raise CheckFailed(
                "chebyshev_check(x, eps) should return a pair (tail, bound), but it returned "
                f"{describe_type(out)}.",
                zh="chebyshev_check(x, eps) 应当返回一对 (tail, bound)，"
                f"但它返回的是{describe_type_zh(out)}。",
            )
        tail = float(((xd - mu).abs() >= eps).double().mean())
        what = f"for a sample of {len(x)} {data.replace('-', ' ')} and eps = {eps:g}"
        when = f"样本为 {len(x)} 个{DATA_ZH[data]}、eps = {eps:g} 时"
        check_close(out[0], tail, Text(f"tail {what}", zh=f"{when}的 tail"), rtol=1e-6, atol=1e-6)
        check_close(
            out[1],
            min(1.0, var / eps**2),
            Text(f"bound {what}", zh=f"{when}的 bound"),
            rtol=1e-4,
            atol=1e-6,
        )
