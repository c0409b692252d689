import torch

from grader.judge import CheckFailed, check_is_tensor, points


def a_seed(rng):
    return int(torch.randint(0, 2**31 - 1, (1,), generator=rng))


def check_counts(out, n, what):
    """Six whole, non-negative counts that add up to n (any real dtype)."""
    counts = check_is_tensor(out, what)
    if tuple(counts.shape) != (6,):
        raise CheckFailed(f"{what} has shape {tuple(counts.shape)}, but shape (6,) was expected.")
    if counts.dtype.is_complex or counts.dtype == torch.bool:
        raise CheckFailed(f"{what} has dtype {counts.dtype}; counts are real numbers.")
    counts = counts.double()
    if not bool(torch.equal(counts, counts.round())) or bool((counts < 0).any()):
        raise CheckFailed(f"{what} should hold whole, non-negative counts.")
    if int(counts.sum()) != n:
        raise CheckFailed(f"the counts of {what} add up to {int(counts.sum())}, not to n = {n}.")
    return counts


@points(2)
def test_seeded_fair_die(student, rng):
    """many rolls: reproducible with the same seed, other counts with another seed, every face
    about equally often"""
    n, seed = 60000, a_seed(rng)
    what = f"roll_counts({n}, seed)"
    counts = check_counts(student.roll_counts(n, seed), n, what)
    again = check_counts(student.roll_counts(n, seed), n, "a second call with the same seed")
    if not torch.equal(counts, again):
        raise CheckFailed("two calls with the same seed returned different counts.")
    other = check_counts(student.roll_counts(n, seed + 1), n, "a call with another seed")
    if torch.equal(counts, other):
        raise CheckFailed("two calls with different seeds returned the same counts.")
    # A face's frequency has standard deviation sqrt(1/6 * 5/6 / 60000) = 0.0015; 0.01 is more
    # than 6 of them, so a fair die fails this with probability below 1e-9 (any seed).
    worst = float((counts / n - 1 / 6).abs().max())
    if worst > 0.01:
        raise CheckFailed(
            f"in {n} rolls some face came up with frequency {worst:.3f} away from 1/6: "
            "the die does not look fair."
        )
