import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


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
    """XᵀX + lam·I with X's dtype, on X's device (also for X on the meta device); X unchanged
    zh: XᵀX + lam·I，dtype 和设备与 X 相同（也测了 meta 设备上的 X）；X 保持不变"""
    X = torch.randn(n, d, generator=rng, dtype=dtype).to(device)
    lam = float(torch.rand((), generator=rng)) + 0.1
    call = student.call("regularized_gram", X, lam)
    check_tensor(
        call.unwrap(),
        expected(X, lam),
        Text(
            f"regularized_gram(X, lam) for a {n}x{d} {dtype} X on {device}",
            zh=f"X 为 {device} 上 {n}x{d} 的 {dtype} 张量时的 regularized_gram(X, lam)",
        ),
        rtol=1e-4,
        atol=1e-4,
    )
    check_unchanged(call.input_after(0), X, "X")
    # The meta device lets a CPU runner see whether the identity follows X's device.
    M = torch.empty(n, d, dtype=dtype, device="meta")
    check_tensor(
        student.regularized_gram(M, lam),
        torch.empty(d, d, dtype=dtype, device="meta"),
        Text(
            f"regularized_gram(X, lam) for a {n}x{d} {dtype} X on another device (meta)",
            zh=f"X 为另一个设备（meta）上 {n}x{d} 的 {dtype} 张量时的 regularized_gram(X, lam)",
        ),
    )
