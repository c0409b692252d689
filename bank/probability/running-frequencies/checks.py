import pytest
import torch
import torch.nn.functional as F

from grader.judge import check_tensor, check_unchanged, points


def d2l_batches(rng, m=500, rolls=10, k=6):
    """m batches of `rolls` rolls of a fair k-sided die, as counts of shape (m, k)."""
    faces = torch.multinomial(torch.ones(m, k), rolls, replacement=True, generator=rng)
    return F.one_hot(faces, k).sum(dim=1).float()


def uneven_batches(rng, m, k):
    """Counts of batches of different sizes; some later batches may be empty."""
    counts = torch.randint(0, 5, (m, k), generator=rng).float()
    counts[0, int(torch.randint(0, k, (1,), generator=rng))] += 1  # the first batch is not empty
    return counts


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
    """row i is the frequencies among all rolls up to batch i"""
    counts = d2l_batches(rng) if shape is None else uneven_batches(rng, *shape)
    check_tensor(
        student.running_frequencies(counts),
        expected(counts),
        f"running_frequencies(counts) for {case} of shape {tuple(counts.shape)}",
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_counts_unchanged(student, rng):
    """correct on uneven batches, and counts is left unchanged"""
    counts = uneven_batches(rng, 9, 5)
    call = student.call("running_frequencies", counts)
    check_tensor(
        call.unwrap(),
        expected(counts),
        "running_frequencies(counts) for a (9, 5) table",
        rtol=1e-4,
        atol=1e-6,
    )
    check_unchanged(call.input_after(0), counts, "counts")
