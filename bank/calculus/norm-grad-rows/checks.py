import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def autograd_rows(X):
    """Row i: the autograd gradient of ‖xᵢ‖, or zeros for a zero row."""
    out = torch.zeros_like(X)
    for i, row in enumerate(X):
        if bool((row != 0).any()):
            leaf = row.clone().requires_grad_(True)
            torch.linalg.vector_norm(leaf).backward()
            out[i] = leaf.grad
    return out


def with_zero_row(X, rng):
    X = X.clone()
    X[int(torch.randint(0, X.shape[0], (1,), generator=rng))] = 0
    return X


def check_rows(student, X, what, **tolerances):
    call = student.call("row_norm_grads", X)
    check_tensor(call.unwrap(), autograd_rows(X), what, check_device=False, **tolerances)
    check_unchanged(call.input_after(0), X, "X")


# Every X has a zero row: handling ‖0‖ is part of the answer (d2l asks what happens at x = 0).
@points(1)
@pytest.mark.parametrize("rows, cols", [(4, 3), (3, 6), (5, 5)])
def test_rows(student, rng, rows, cols):
    """row i is xᵢ / ‖xᵢ‖, a zero row gives zeros (B ≠ n and B = n); X left unchanged
    zh: 第 i 行是 xᵢ / ‖xᵢ‖，全零的行得到全零（B ≠ n 和 B = n 都测）；X 保持不变"""
    X = with_zero_row(torch.randn(rows, cols, generator=rng), rng)
    check_rows(
        student,
        X,
        Text(
            f"row_norm_grads(X) for X of shape ({rows}, {cols})",
            zh=f"row_norm_grads(X)（X 的形状为 ({rows}, {cols})）",
        ),
        rtol=1e-5,
        atol=1e-6,
    )


@points(1.5)
def test_float64(student, rng):
    """float64 is kept, a zero row gives zeros; X left unchanged
    zh: 结果仍是 float64，全零的行得到全零；X 保持不变"""
    X = with_zero_row(torch.randn(3, 7, generator=rng, dtype=torch.float64), rng)
    check_rows(
        student,
        X,
        Text("row_norm_grads(X) for a float64 X", zh="row_norm_grads(X)（X 为 float64）"),
        rtol=1e-10,
        atol=1e-12,
    )
