import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X, Y):
    Xd, Yd = X.double(), Y.double()
    return ((Xd[:, None, :] - Yd[None, :, :]) ** 2).sum(dim=-1).to(X.dtype)


@points(1)
@pytest.mark.parametrize("n, m, d", [(4, 3, 2), (2, 5, 3), (3, 3, 1)])
def test_random_points(student, rng, n, m, d):
    """D[i, j] is the squared distance from X[i] to Y[j], shape (n, m)"""
    X, Y = torch.randn(n, d, generator=rng), torch.randn(m, d, generator=rng)
    check_tensor(
        student.sq_dists(X, Y),
        expected(X, Y),
        f"sq_dists(X, Y) for X {n}x{d}, Y {m}x{d}",
        rtol=1e-4,
        atol=1e-4,
    )


@points(1)
def test_float64_and_inputs_unchanged(student, rng):
    """keeps float64 and leaves X and Y unchanged"""
    X = torch.randn(6, 4, generator=rng, dtype=torch.float64)
    Y = torch.randn(2, 4, generator=rng, dtype=torch.float64)
    call = student.call("sq_dists", X, Y)
    check_tensor(
        call.unwrap(),
        expected(X, Y),
        "sq_dists(X, Y) for float64 X 6x4, Y 2x4",
        rtol=1e-9,
        atol=1e-10,
    )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), Y, "Y")
