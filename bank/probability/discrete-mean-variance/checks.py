import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


@points(1)
@pytest.mark.parametrize("k, shift", [(5, 0.0), (8, 10.0)], ids=["5-values", "8-values-shifted"])
def test_mean_and_variance(student, rng, k, shift):
    """E[X] and Var[X] of a random discrete distribution
    zh: 随机离散分布的 E[X] 和 Var[X]"""
    values = shift + 3 * torch.randn(k, generator=rng)
    probs = torch.rand(k, generator=rng) + 0.05
    probs = probs / probs.sum()
    out = student.mean_and_variance(values, probs)
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "mean_and_variance(values, probs) should return a pair (mean, variance), but it "
            f"returned {describe_type(out)}.",
            zh="mean_and_variance(values, probs) 应当返回一对 (mean, variance)，"
            f"但它返回的是{describe_type_zh(out)}。",
        )
    v, p = values.double(), probs.double()
    mean = float((v * p).sum())
    variance = float((p * (v - mean) ** 2).sum())
    check_close(
        out[0],
        mean,
        Text(f"E[X] for {k} random values", zh=f"取 {k} 个随机值时的 E[X]"),
        rtol=1e-4,
        atol=1e-5,
    )
    check_close(
        out[1],
        variance,
        Text(f"Var[X] for {k} random values", zh=f"取 {k} 个随机值时的 Var[X]"),
        rtol=1e-4,
        atol=1e-5,
    )
