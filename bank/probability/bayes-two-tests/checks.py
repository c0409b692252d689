import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


def uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


@points(1)
@pytest.mark.parametrize("case", ["rare-condition", "common-condition", "weak-second-test"])
def test_bayes_two_tests(student, rng, case):
    """P(D1=1, D2=1) and P(H=1 | D1=1, D2=1) for random priors and test rates
    zh: 随机的先验概率和检测准确率下的 P(D1=1, D2=1) 和 P(H=1 | D1=1, D2=1)"""
    p_hiv = uniform(rng, 0.1, 0.4) if case == "common-condition" else uniform(rng, 0.001, 0.02)
    pos1_hiv, pos1_healthy = uniform(rng, 0.8, 0.999), uniform(rng, 0.005, 0.05)
    if case == "weak-second-test":
        pos2_hiv, pos2_healthy = uniform(rng, 0.5, 0.7), uniform(rng, 0.2, 0.4)
    else:
        pos2_hiv, pos2_healthy = uniform(rng, 0.8, 0.999), uniform(rng, 0.005, 0.05)
    out = student.bayes_two_tests(p_hiv, pos1_hiv, pos1_healthy, pos2_hiv, pos2_healthy)
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "bayes_two_tests(...) should return a pair (p_both_pos, p_hiv_given_both), but it "
            f"returned {describe_type(out)}.",
            zh="bayes_two_tests(...) 应当返回一对 (p_both_pos, p_hiv_given_both)，"
            f"但它返回的是{describe_type_zh(out)}。",
        )
    hiv_and_both = pos1_hiv * pos2_hiv * p_hiv
    p_both_pos = hiv_and_both + pos1_healthy * pos2_healthy * (1 - p_hiv)
    what = (
        f"for P(H=1) = {p_hiv:.4f}, tests ({pos1_hiv:.3f}, {pos1_healthy:.3f}) "
        f"and ({pos2_hiv:.3f}, {pos2_healthy:.3f})"
    )
    when = (
        f"P(H=1) = {p_hiv:.4f}、两次检测分别为 ({pos1_hiv:.3f}, {pos1_healthy:.3f}) "
        f"和 ({pos2_hiv:.3f}, {pos2_healthy:.3f}) 时"
    )
    check_close(
        out[0],
        p_both_pos,
        Text(f"p_both_pos {what}", zh=f"{when}的 p_both_pos"),
        rtol=1e-5,
        atol=1e-10,
    )
    check_close(
        out[1],
        hiv_and_both / p_both_pos,
        Text(f"p_hiv_given_both {what}", zh=f"{when}的 p_hiv_given_both"),
        rtol=1e-5,
        atol=1e-8,
    )
