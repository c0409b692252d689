import torch

from grader.judge import CheckFailed, points


def expected():
    """Run the prompt's code, on a generator of its own so the grader's state is untouched."""
    saved = torch.get_rng_state()
    try:
        torch.manual_seed(0)
        a = torch.rand(3)
        b = torch.rand(3)
        torch.manual_seed(0)
        c = torch.rand(3)
        g = torch.Generator().manual_seed(0)
        d = torch.rand(3, generator=g)
        torch.manual_seed(0)
        e = torch.rand(6)
    finally:
        torch.set_rng_state(saved)
    return (torch.equal(a, b), torch.equal(a, c), torch.equal(a, d), torch.equal(b, e[3:]))


@points(2)
def test_predictions(student):
    """the four comparisons, in order
    zh: 按顺序给出的四个比较结果"""
    value = student.value("SEED_PREDICTIONS")
    if type(value) not in (tuple, list) or not all(type(v) is bool for v in value):
        raise CheckFailed(
            "SEED_PREDICTIONS should be a tuple of booleans, such as (True, False, True, False).",
            zh="SEED_PREDICTIONS 应当是由布尔值组成的元组，例如 (True, False, True, False)。",
        )
    # No item is named: with booleans, naming the wrong one would give its answer away.
    if tuple(value) != expected():
        raise CheckFailed("SEED_PREDICTIONS is not right.", zh="SEED_PREDICTIONS 不对。")
