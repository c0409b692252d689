import pytest
import torch

from grader.judge import CheckFailed, Text, check_is_tensor, check_tensor, check_unchanged, points


def with_large_rows(X, rng):
    """Shift the rows by very different amounts (around +1000, 0 and -1000): the function must
    work in every check for rows of any size, which is what the question is about."""
    shifts = torch.tensor([1000.0, 0.0, -1000.0], dtype=X.dtype)
    order = torch.randperm(3, generator=rng)
    X = X.clone()
    for i in range(X.shape[0]):
        X[i] += shifts[order[i % 3]]
    return X


def check_softmax(out, X, what, **tol):
    out = check_is_tensor(out, what)
    if out.dtype.is_floating_point and not bool(torch.isfinite(out).all()):
        raise CheckFailed(
            f"{what} contains inf or nan: did exp overflow, or did a whole row underflow to 0?",
            zh=f"{what.zh} 中有 inf 或 nan：是 exp 溢出了，还是整行都下溢成了 0？",
        )
    check_tensor(out, torch.softmax(X, dim=1), what, **tol)


@points(1)
@pytest.mark.parametrize("n, d", [(3, 5), (4, 2), (3, 3)])
def test_rows(student, rng, n, d):
    """each row is the softmax of that row (square and non-square inputs, rows of very
    different sizes)
    zh: 每一行是该行的 softmax（方阵和非方阵输入都测，各行数值的大小相差很大）"""
    X = with_large_rows(torch.randn(n, d, generator=rng) * 2, rng)
    check_softmax(
        student.softmax_rows(X),
        X,
        Text(f"softmax_rows(X) for a {n}x{d} X", zh=f"X 为 {n}x{d} 时的 softmax_rows(X)"),
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_large_entries(student, rng):
    """no inf or nan for entries around +1000 and -500 in the same matrix
    zh: 同一个矩阵里有 +1000 和 -500 附近的元素时，不出现 inf 或 nan"""
    X = torch.randn(3, 4, generator=rng) * 2
    X[0] += 1000.0
    X[2] -= 500.0
    check_softmax(
        student.softmax_rows(X),
        X,
        Text(
            "softmax_rows(X) for rows around 1000, 0 and -500",
            zh="各行分别在 1000、0 和 -500 附近时的 softmax_rows(X)",
        ),
        rtol=1e-4,
        atol=1e-6,
    )


@points(1)
def test_float64_and_input_unchanged(student, rng):
    """keeps float64 and leaves X unchanged
    zh: 保持 float64，X 保持不变"""
    X = with_large_rows(torch.randn(3, 7, generator=rng, dtype=torch.float64) * 3, rng)
    call = student.call("softmax_rows", X)
    check_softmax(
        call.unwrap(),
        X,
        Text("softmax_rows(X) for a float64 X", zh="X 为 float64 时的 softmax_rows(X)"),
        rtol=1e-8,
        atol=1e-12,
    )
    check_unchanged(call.input_after(0), X, "X")
