import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def expected(X, Y):
    Xd, Yd = X.double(), Y.double()
    return ((Xd[:, None, :] - Yd[None, :, :]) ** 2).sum(dim=-1).to(X.dtype)


@points(1)
@pytest.mark.parametrize("n, m, d", [(4, 3, 2), (2, 5, 3), (3, 3, 1)])
def test_random_points(student, rng, n, m, d):
    """D[i, j] is the squared distance from X[i] to Y[j], shape (n, m)
    zh: D[i, j] 是 X[i] 到 Y[j] 的距离的平方，形状为 (n, m)"""
    X, Y = torch.randn(n, d, generator=rng), torch.randn(m, d, generator=rng)
    check_tensor(
        student.sq_dists(X, Y),
        expected(X, Y),
        Text(
            f"sq_dists(X, Y) for X {n}x{d}, Y {m}x{d}",
            zh=f"X 为 {n}x{d}、Y 为 {m}x{d} 时的 sq_dists(X, Y)",
        ),
        rtol=1e-4,
        atol=1e-4,
    )


@points(1)
def test_float64_and_inputs_unchanged(student, rng):
    """keeps float64 and leaves X and Y unchanged
    zh: 保持 float64，X 和 Y 保持不变"""
    X = torch.randn(6, 4, generator=rng, dtype=torch.float64)
    Y = torch.randn(2, 4, generator=rng, dtype=torch.float64)
    call = student.call("sq_dists", X, Y)
    check_tensor(
        call.unwrap(),
        expected(X, Y),
        Text(
            "sq_dists(X, Y) for float64 X 6x4, Y 2x4",
            zh="X（6x4）和 Y（2x4）都为 float64 时的 sq_dists(X, Y)",
        ),
        rtol=1e-9,
        atol=1e-10,
    )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), Y, "Y")
