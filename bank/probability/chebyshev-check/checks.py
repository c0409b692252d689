import math

import pytest
import torch

from grader.judge import CheckFailed, check_close, describe_type, points


def symmetric_integers(rng, half, spread):
    """Whole numbers c ± d, symmetric about c: their mean is exactly c, so every |x - μ| is an
    exact whole number however the mean is computed, and ε = a whole number has real ties."""
    centre = float(torch.randint(-5, 6, (), generator=rng))
    d = torch.randint(-spread, spread + 1, (half,), generator=rng).float()
    x = torch.cat([centre + d, centre - d])
    return x[torch.randperm(len(x), generator=rng)]


def rounded_normal(rng, half, scale):
    d = torch.round(scale * torch.randn(half, generator=rng))
    return torch.cat([3.0 + d, 3.0 - d])


@points(1)
@pytest.mark.parametrize("data", ["uniform-integers", "rounded-normal", "wide-integers"])
def test_chebyshev_check(student, rng, data):
    """tail fraction and bound, for a small ε (bound capped at 1), an ε with values exactly ε
    away, and a large ε"""
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
                f"{describe_type(out)}."
            )
        tail = float(((xd - mu).abs() >= eps).double().mean())
        what = f"for a sample of {len(x)} {data.replace('-', ' ')} and eps = {eps:g}"
        check_close(out[0], tail, f"tail {what}", rtol=1e-6, atol=1e-6)
        check_close(out[1], min(1.0, var / eps**2), f"bound {what}", rtol=1e-4, atol=1e-6)
