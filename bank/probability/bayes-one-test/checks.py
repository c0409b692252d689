import pytest
import torch

from grader.judge import CheckFailed, check_close, describe_type, points


def uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


@points(1)
@pytest.mark.parametrize("case", ["rare-condition", "common-condition"])
def test_bayes_one_test(student, rng, case):
    """P(D=1) and P(H=1 | D=1) for random priors and test rates"""
    p_hiv = uniform(rng, 0.001, 0.02) if case == "rare-condition" else uniform(rng, 0.1, 0.5)
    sensitivity = uniform(rng, 0.7, 0.999)
    false_positive = uniform(rng, 0.005, 0.2)
    out = student.bayes_one_test(p_hiv, sensitivity, false_positive)
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            f"bayes_one_test(...) should return a pair (p_pos, p_hiv_given_pos), but it returned "
            f"{describe_type(out)}."
        )
    p_pos = sensitivity * p_hiv + false_positive * (1 - p_hiv)
    what = f"for P(H=1) = {p_hiv:.4f}, P(D=1 | H=1) = {sensitivity:.3f}, P(D=1 | H=0) = {false_positive:.3f}"
    check_close(out[0], p_pos, f"p_pos {what}", rtol=1e-5, atol=1e-8)
    check_close(
        out[1], sensitivity * p_hiv / p_pos, f"p_hiv_given_pos {what}", rtol=1e-5, atol=1e-8
    )
