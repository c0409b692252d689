import pytest
import torch

from grader.judge import CheckFailed, check_is_tensor, check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("n, d", [(3, 5), (4, 2), (3, 3)])
def test_random_rows(student, rng, n, d):
    """each row is the softmax of that row (square and non-square inputs)"""
    X = torch.randn(n, d, generator=rng) * 2
    check_tensor(
        student.softmax_rows(X),
        torch.softmax(X, dim=1),
        f"softmax_rows(X) for a {n}x{d} X",
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_large_entries(student, rng):
    """no inf or nan for entries around +1000 and -1000 in the same matrix"""
    X = torch.randn(3, 4, generator=rng) * 2
    X[0] += 1000.0
    X[2] -= 500.0
    out = check_is_tensor(student.softmax_rows(X), "softmax_rows(X)")
    if out.dtype.is_floating_point and not bool(torch.isfinite(out).all()):
        raise CheckFailed(
            "softmax_rows(X) for rows around 1000, 0 and -500 contains inf or nan: "
            "did exp overflow, or did a whole row underflow to 0?"
        )
    check_tensor(
        out,
        torch.softmax(X, dim=1),
        "softmax_rows(X) for rows around 1000, 0 and -500",
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_float64_and_input_unchanged(student, rng):
    """keeps float64 and leaves X unchanged"""
    X = torch.randn(2, 7, generator=rng, dtype=torch.float64) * 3
    call = student.call("softmax_rows", X)
    check_tensor(
        call.unwrap(),
        torch.softmax(X, dim=1),
        "softmax_rows(X) for a float64 X",
        rtol=1e-8,
        atol=1e-12,
    )
    check_unchanged(call.input_after(0), X, "X")
