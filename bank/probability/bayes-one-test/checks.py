import pytest
import torch

from grader.judge import CheckFailed, Text, check_close, describe_type, describe_type_zh, points


def uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


@points(1)
@pytest.mark.parametrize("case", ["rare-condition", "common-condition"])
def test_bayes_one_test(student, rng, case):
    """P(D=1) and P(H=1 | D=1) for random priors and test rates
    zh: 随机的先验概率和检测准确率下的 P(D=1) 和 P(H=1 | D=1)"""
    p_hiv = uniform(rng, 0.001, 0.02) if case == "rare-condition" else uniform(rng, 0.1, 0.5)
    sensitivity = uniform(rng, 0.7, 0.999)
    false_positive = uniform(rng, 0.005, 0.2)
    out = student.bayes_one_test(p_hiv, sensitivity, false_positive)
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"bayes_one_test(...) should return a pair (p_pos, p_hiv_given_pos), but it returned "
            f"{describe_type(out)}.",
            zh="bayes_one_test(...) 应当返回一对 (p_pos, p_hiv_given_pos)，"
            f"但它返回的是{describe_type_zh(out)}。",
        )
    p_pos = sensitivity * p_hiv + false_positive * (1 - p_hiv)
    what = f"for P(H=1) = {p_hiv:.4f}, P(D=1 | H=1) = {sensitivity:.3f}, P(D=1 | H=0) = {false_positive:.3f}"
    when = f"P(H=1) = {p_hiv:.4f}、P(D=1 | H=1) = {sensitivity:.3f}、P(D=1 | H=0) = {false_positive:.3f} 时"
    check_close(out[0], p_pos, Text(f"p_pos {what}", zh=f"{when}的 p_pos"), rtol=1e-5, atol=1e-8)
    check_close(
        out[1],
        sensitivity * p_hiv / p_pos,
        Text(f"p_hiv_given_pos {what}", zh=f"{when}的 p_hiv_given_pos"),
        rtol=1e-5,
        atol=1e-8,
    )
