import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def check_triple(out, X, what):
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            f"{what} should return a tuple (row_sums, col_sums, total).",
            zh=f"{what.zh} 应当返回元组 (row_sums, col_sums, total)。",
        )
    tol = {"rtol": 1e-5, "atol": 1e-5}
    check_tensor(
        out[0], X.sum(dim=1), Text(f"row_sums of {what}", zh=f"{what.zh} 的 row_sums"), **tol
    )
    check_tensor(
        out[1], X.sum(dim=0), Text(f"col_sums of {what}", zh=f"{what.zh} 的 col_sums"), **tol
    )
    check_tensor(out[2], X.sum(), Text(f"total of {what}", zh=f"{what.zh} 的 total"), **tol)


@points(0.75)
@pytest.mark.parametrize("n, d", [(3, 5), (6, 2)])
def test_float_matrices(student, rng, n, d):
    """row sums (n,), column sums (d,) and a 0-d total for a float32 X
    zh: float32 的 X：行和 (n,)、列和 (d,) 以及 0 维的总和"""
    X = torch.randn(n, d, generator=rng)
    check_triple(
        student.sums(X), X, Text(f"sums(X) for a {n}x{d} X", zh=f"X 为 {n}x{d} 时的 sums(X)")
    )


@points(1)
def test_int64_matrix(student, rng):
    """int64 X gives int64 sums; X is left unchanged
    zh: int64 的 X 得到 int64 的和；X 保持不变"""
    X = torch.randint(-20, 20, (4, 3), generator=rng)
    call = student.call("sums", X)
    check_triple(
        call.unwrap(), X, Text("sums(X) for a 4x3 int64 X", zh="X 为 4x3 的 int64 张量时的 sums(X)")
    )
    check_unchanged(call.input_after(0), X, "X")
