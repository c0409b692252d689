import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_unchanged, points


def check_pair(call, x, k, what):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(f"{what} should return a pair (head, tail).")
    n = len(x)
    check_tensor(out[0], x[: n - k], f"head of {what}")
    check_tensor(out[1], x[n - k :], f"tail of {what}")
    check_unchanged(call.input_after(0), x, "x")


@points(1)
@pytest.mark.parametrize("which", ["zero", "all", "one", "middle"])
def test_split(student, rng, which):
    """head holds the first n - k elements, tail the last k (k = 0, n, 1 and in between)"""
    n = int(torch.randint(5, 10, (1,), generator=rng))
    k = {
        "zero": 0,
        "all": n,
        "one": 1,
        "middle": int(torch.randint(2, n - 1, (1,), generator=rng)),
    }[which]
    x = torch.randn(n, generator=rng)
    call = student.call("split_tail", x, k)
    check_pair(call, x, k, f"split_tail(x, {k}) for x of length {n}")
