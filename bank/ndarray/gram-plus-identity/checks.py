import pytest
import torch

from grader.judge import check_tensor, check_unchanged, points


def expected(X, lam):
    d = X.shape[1]
    return X.T @ X + lam * torch.eye(d, dtype=X.dtype, device=X.device)


@points(1)
@pytest.mark.parametrize(
    "n, d, dtype",
    [(5, 3, torch.float32), (4, 6, torch.float64)],
    ids=["5x3-float32", "4x6-float64"],
)
def test_values_dtype_device(student, rng, device, n, d, dtype):
    """XᵀX + lam·I with X's dtype, on X's device; X unchanged"""
    X = torch.randn(n, d, generator=rng, dtype=dtype).to(device)
    lam = float(torch.rand((), generator=rng)) + 0.1
    call = student.call("regularized_gram", X, lam)
    check_tensor(
        call.unwrap(),
        expected(X, lam),
        f"regularized_gram(X, lam) for a {n}x{d} {dtype} X on {device}",
        rtol=1e-4,
        atol=1e-4,
    )
    check_unchanged(call.input_after(0), X, "X")


@points(1)
def test_follows_the_device(student):
    """the result is on X's device (checked with the meta device)"""
    X = torch.empty(7, 3, dtype=torch.float64, device="meta")
    check_tensor(
        student.regularized_gram(X, 0.1),
        torch.empty(3, 3, dtype=torch.float64, device="meta"),
        "regularized_gram(X, lam) for a 7x3 X on another device",
    )
