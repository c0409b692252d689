import torch

from grader.judge import CheckFailed, Text, check_is_tensor, points


def a_seed(rng):
    return int(torch.randint(0, 2**31 - 1, (1,), generator=rng))


def check_counts(out, n, what):
    """Six whole, non-negative counts that add up to n (any real dtype)."""
    counts = check_is_tensor(out, what)
    if tuple(counts.shape) != (6,):
        raise CheckFailed(
            f"{what} has shape {tuple(counts.shape)}, but shape (6,) was expected.",
            zh=f"{what.zh} 的形状是 {tuple(counts.shape)}，应为 (6,)。",
        )
    if counts.dtype.is_complex or counts.dtype == torch.bool:
        raise CheckFailed(
            f"{what} has dtype {counts.dtype}; counts are real numbers.",
            zh=f"{what.zh} 的 dtype 是 {counts.dtype}；计数应当是实数。",
        )
    counts = counts.double()
    if not bool(torch.equal(counts, counts.round())) or bool((counts < 0).any()):
        raise CheckFailed(
            f"{what} should hold whole, non-negative counts.",
            zh=f"{what.zh} 应当是非负的整数计数。",
        )
    if int(counts.sum()) != n:
        raise CheckFailed(
            f"the counts of {what} add up to {int(counts.sum())}, not to n = {n}.",
            zh=f"{what.zh} 的计数加起来是 {int(counts.sum())}，而不是 n = {n}。",
        )
    return counts


@points(2)
def test_seeded_fair_die(student, rng):
    """many rolls: reproducible with the same seed, other counts with another seed, every face
    about equally often
    zh: 大量投掷：相同的种子结果可复现，换种子得到别的计数，每个面出现的次数大致相同"""
    n, seed = 60000, a_seed(rng)
    what = Text(f"roll_counts({n}, seed)")
    counts = check_counts(student.roll_counts(n, seed), n, what)
    again = check_counts(
        student.roll_counts(n, seed),
        n,
        Text("a second call with the same seed", zh="用相同种子的第二次调用"),
    )
    if not torch.equal(counts, again):
        raise CheckFailed(
            "two calls with the same seed returned different counts.",
            zh="用相同的种子调用两次，返回的计数却不同。",
        )
    other = check_counts(
        student.roll_counts(n, seed + 1), n, Text("a call with another seed", zh="换一个种子的调用")
    )
    if torch.equal(counts, other):
        raise CheckFailed(
            "two calls with different seeds returned the same counts.",
            zh="用不同的种子调用两次，返回的计数却相同。",
        )
    # A face's frequency has standard deviation sqrt(1/6 * 5/6 / 60000) = 0.0015; 0.01 is more
    # than 6 of them, so a fair die fails this with probability below 1e-9 (any seed).
    worst = float((counts / n - 1 / 6).abs().max())
    if worst > 0.01:
        raise CheckFailed(
            f"in {n} rolls some face came up with frequency {worst:.3f} away from 1/6: "
            "the die does not look fair.",
            zh=f"在 {n} 次投掷中，有一个面出现的频率与 1/6 相差 {worst:.3f}：这个骰子看起来不公平。",
        )
