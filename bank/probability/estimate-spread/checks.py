import math

import pytest
import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points


def a_seed(rng):
    return int(torch.randint(0, 2**31 - 2, (1,), generator=rng))


def as_float(value, what):
    """A Python number or a one-element tensor, as a finite float."""
    if type(value) is torch.Tensor and value.numel() == 1 and not value.dtype.is_complex:
        value = float(value.detach().double())
    if type(value) not in (int, float):
        raise CheckFailed(
            f"{what} should be a number, but it is {describe_type(value)}.",
            zh=f"{what} 应当是一个数，但它是{describe_type_zh(value)}。",
        )
    if not math.isfinite(value):
        raise CheckFailed(
            f"{what} is not a finite number (nan or inf).",
            zh=f"{what} 不是有限的数（是 nan 或 inf）。",
        )
    return float(value)


def seeded_spread(student, m, n, p, seed):
    """The student's spread, after checking that the same seed gives the same value and the
    next seed another one (a simulation, seeded)."""
    what = f"estimate_spread({m}, {n}, {p:.3f}, seed)"
    spread = as_float(student.estimate_spread(m, n, p, seed), what)
    if spread != as_float(student.estimate_spread(m, n, p, seed), what):
        raise CheckFailed(
            f"two calls of {what} with the same seed gave different results.",
            zh=f"用相同的种子两次调用 {what}，结果却不同。",
        )
    if spread == as_float(student.estimate_spread(m, n, p, seed + 1), what):
        raise CheckFailed(
            f"{what} gave the same result for two different seeds: is it a simulation?",
            zh=f"{what} 在两个不同的种子下给出了相同的结果：它真的在做模拟吗？",
        )
    return spread


@points(1.5)
@pytest.mark.parametrize("n", [10, 400], ids=["10-trials", "400-trials"])
def test_near_theory(student, rng, n):
    """the simulated spread is near sqrt(p(1 - p)/n)
    zh: 模拟得到的标准差接近 sqrt(p(1 - p)/n)"""
    m = 2000
    p = 0.2 + 0.6 * float(torch.rand((), generator=rng))
    spread = seeded_spread(student, m, n, p, a_seed(rng))
    theory = math.sqrt(p * (1 - p) / n)
    # The sample standard deviation of m = 2000 estimates has a relative standard error of about
    # 1/sqrt(2m) = 1.6% (the estimates are close to normal for p in [0.2, 0.8]); 10% is over 6
    # of them, so a correct simulation fails with probability below 1e-9, whatever the seed.
    if abs(spread - theory) > 0.10 * theory:
        raise CheckFailed(
            f"estimate_spread({m}, {n}, {p:.3f}, seed) is {spread:.4f}, too far from what "
            f"{m} estimates from {n} trials each should give.",
            zh=f"estimate_spread({m}, {n}, {p:.3f}, seed) 的结果是 {spread:.4f}，"
            f"与 {m} 个估计值（每个来自 {n} 次试验）应有的标准差相差太远。",
        )


@points(3)
def test_shrinks_like_sqrt_n(student, rng):
    """100 times as many trials make the spread about 10 times smaller
    zh: 试验次数变为 100 倍，标准差约缩小为原来的 1/10"""
    m, n = 1000, 5
    p = 0.2 + 0.6 * float(torch.rand((), generator=rng))
    few = seeded_spread(student, m, n, p, a_seed(rng))
    many = seeded_spread(student, m, 100 * n, p, a_seed(rng))
    # Each spread has a relative standard error of about 1/sqrt(2m) = 2.2% (a little more for
    # n = 5), so their ratio about 3.3%; 20% is 6 of them.
    ratio = few / many if many > 0 else math.inf
    if not 8.0 <= ratio <= 12.0:
        raise CheckFailed(
            f"with {n} trials the spread is {few:.4f}, with {100 * n} trials {many:.4f}: their "
            f"ratio {ratio:.2f} does not match how a spread shrinks with n.",
            zh=f"{n} 次试验时标准差为 {few:.4f}，{100 * n} 次试验时为 {many:.4f}："
            f"两者之比 {ratio:.2f} 与标准差随 n 缩小的规律不符。",
        )
