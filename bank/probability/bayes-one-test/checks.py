import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


def uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


def draw(rng, case, h, d):
    """Random arguments (P(H=1), sensitivity, false-positive rate), the joints
    {h: P(D=d, H=h)} they give, and P(D=d).

    The ranges keep every mistake visible in every variant, well beyond the tolerance: the
    sensitivity stays below 0.95 (so P(D=0) misses at least 1e-4 without the people with
    HIV), and P(H=1) below 0.4 (so weighting both terms by P(H=1) changes P(D=d)). A draw
    with P(H=h) within 1% of P(D=d) is redrawn: there P(H=h | D=d) = P(D=d | H=h)."""
    while True:
        p_hiv = uniform(rng, 0.002, 0.02) if case == "rare-condition" else uniform(rng, 0.1, 0.4)
        sensitivity = uniform(rng, 0.7, 0.95)
        false_positive = uniform(rng, 0.005, 0.2)
        # P(D=d | H=1) and P(D=d | H=0): the arguments are the rates of a positive test
        given_hiv = sensitivity if d == 1 else 1 - sensitivity
        given_healthy = false_positive if d == 1 else 1 - false_positive
        joint = {1: given_hiv * p_hiv, 0: given_healthy * (1 - p_hiv)}
        p_d = joint[1] + joint[0]
        prior = p_hiv if h == 1 else 1 - p_hiv
        if abs(prior - p_d) > 0.01 * p_d:
            return (p_hiv, sensitivity, false_positive), joint, p_d


@points(1)
@pytest.mark.parametrize("case", ["rare-condition", "common-condition"])
def test_bayes_one_test(student, rng, variant, case):
    """P(D=d) and P(H=h | D=d) for random priors and test rates
    zh: 随机的先验概率和检测准确率下的 P(D=d) 和 P(H=h | D=d)"""
    h, d, h_name, d_name = variant["asked"][:4]
    first, second = f"p_{d_name}", f"p_{h_name}_given_{d_name}"
    (p_hiv, sensitivity, false_positive), joint, p_d = draw(rng, case, h, d)
    out = student.bayes_one_test(p_hiv, sensitivity, false_positive)
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"bayes_one_test(...) should return a pair ({first}, {second}), but it returned "
            f"{describe_type(out)}.",
            zh=f"bayes_one_test(...) 应当返回一对 ({first}, {second})，"
            f"但它返回的是{describe_type_zh(out)}。",
        )
    what = f"for P(H=1) = {p_hiv:.4f}, P(D=1 | H=1) = {sensitivity:.3f}, P(D=1 | H=0) = {false_positive:.3f}"
    when = f"P(H=1) = {p_hiv:.4f}、P(D=1 | H=1) = {sensitivity:.3f}、P(D=1 | H=0) = {false_positive:.3f} 时"
    check_close(out[0], p_d, Text(f"{first} {what}", zh=f"{when}的 {first}"), rtol=1e-5, atol=1e-8)
    check_close(
        out[1],
        joint[h] / p_d,
        Text(f"{second} {what}", zh=f"{when}的 {second}"),
        rtol=1e-5,
        atol=1e-8,
    )
