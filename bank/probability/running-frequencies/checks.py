import pytest
import torch
import torch.nn.functional as F

from grader.judge import Text, check_tensor, check_unchanged, points


def d2l_batches(rng, m=500, rolls=10, k=6):
    """m batches of `rolls` rolls of a fair k-sided die, as counts of shape (m, k)."""
    faces = torch.multinomial(torch.ones(m, k), rolls, replacement=True, generator=rng)
    return F.one_hot(faces, k).sum(dim=1).float()


def uneven_batches(rng, m, k):
    """Counts of batches of different sizes; some later batches may be empty."""
    counts = torch.randint(0, 5, (m, k), generator=rng).float()
    counts[0, int(torch.randint(0, k, (1,), generator=rng))] += 1  # the first batch is not empty
    return counts


# The cases, in Chinese (for the messages).
CASE_ZH = {
    "500 batches of 10 rolls": "500 组、每组掷 10 次",
    "uneven batches": "各组大小不一",
    "square": "方阵",
}


def expected(counts):
    cum = counts.cumsum(dim=0)
    return cum / cum.sum(dim=1, keepdim=True)


@points(1)
@pytest.mark.parametrize(
    "case, shape",
    [("500 batches of 10 rolls", None), ("uneven batches", (40, 3)), ("square", (4, 4))],
    ids=["d2l-batches", "uneven-batches", "square"],
)
def test_running_frequencies(student, rng, case, shape):
    """row i is the frequencies among all rolls up to batch i
    zh: 第 i 行是第 0 到第 i 组所有投掷中各结果的相对频率"""
    counts = d2l_batches(rng) if shape is None else uneven_batches(rng, *shape)
    check_tensor(
        student.running_frequencies(counts),
        expected(counts),
        Text(
            f"running_frequencies(counts) for {case} of shape {tuple(counts.shape)}",
            zh=f"running_frequencies(counts)（counts：{CASE_ZH[case]}，形状 {tuple(counts.shape)}）",
        ),
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_counts_unchanged(student, rng):
    """correct on uneven batches, and counts is left unchanged
    zh: 各组大小不一时结果正确，且 counts 保持不变"""
    counts = uneven_batches(rng, 9, 5)
    call = student.call("running_frequencies", counts)
    check_tensor(
        call.unwrap(),
        expected(counts),
        Text(
            "running_frequencies(counts) for a (9, 5) table",
            zh="running_frequencies(counts)（counts：形状 (9, 5)）",
        ),
        rtol=1e-4,
        atol=1e-6,
    )
    check_unchanged(call.input_after(0), counts, "counts")
