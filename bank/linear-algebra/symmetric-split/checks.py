import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def check_split(student, A, what, **tolerances):
    call = student.call("symmetric_split", A)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "symmetric_split(A) should return a pair (S, K).",
            zh="symmetric_split(A) 应当返回一对 (S, K)。",
        )
    check_tensor(out[0], (A + A.T) / 2, Text(f"S for {what}", zh=f"S（{what.zh}）"), **tolerances)
    check_tensor(out[1], (A - A.T) / 2, Text(f"K for {what}", zh=f"K（{what.zh}）"), **tolerances)
    check_unchanged(call.input_after(0), A, "A")


@points(1.5)
@pytest.mark.parametrize("n", [3, 5])
def test_split(student, rng, n):
    """S symmetric, K skew-symmetric, S + K = A; A left unchanged
    zh: S 对称，K 反对称，S + K = A；A 保持不变"""
    A = torch.randn(n, n, generator=rng)
    check_split(
        student, A, Text(f"a random {n}x{n} A", zh=f"A 为随机的 {n}x{n} 矩阵"), rtol=1e-5, atol=1e-6
    )


@points(1)
def test_float64(student, rng):
    """float64 is kept; A left unchanged
    zh: 结果仍是 float64；A 保持不变"""
    A = torch.randn(4, 4, generator=rng, dtype=torch.float64)
    check_split(student, A, Text("a float64 A", zh="A 为 float64"), rtol=1e-12, atol=1e-12)
