import pytest
import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


@points(0.75)
@pytest.mark.parametrize("m, n", [(3, 5), (5, 2), (4, 4)])
def test_product(student, rng, m, n):
    """Ax of shape (m,) for square and non-square A
    zh: 形状为 (m,) 的 Ax，A 为方阵和非方阵都测"""
    A, x = torch.randn(m, n, generator=rng), torch.randn(n, generator=rng)
    check_tensor(
        student.matvec(A, x),
        A @ x,
        Text(f"matvec(A, x) for a {m}x{n} A", zh=f"matvec(A, x)（A 为 {m}x{n}）"),
        rtol=1e-5,
        atol=1e-5,
    )


@points(1)
def test_float64_and_inputs_unchanged(student, rng):
    """float64 stays float64; A and x are left unchanged
    zh: float64 输入仍得到 float64；A 和 x 保持不变"""
    A = torch.randn(2, 6, generator=rng, dtype=torch.float64)
    x = torch.randn(6, generator=rng, dtype=torch.float64)
    call = student.call("matvec", A, x)
    check_tensor(
        call.unwrap(),
        A @ x,
        Text("matvec(A, x) for float64 inputs", zh="matvec(A, x)（输入为 float64）"),
        rtol=1e-9,
        atol=1e-9,
    )
    check_unchanged(call.input_after(0), A, "A")
    check_unchanged(call.input_after(1), x, "x")


@points(1.25)
def test_mismatch_raises(student, rng):
    """a vector of the wrong length raises an error; one of the right length gives Ax
    zh: 长度不对的向量会报错；长度对的向量得到 Ax"""
    A = torch.randn(3, 4, generator=rng)
    call = student.call("matvec", A, torch.randn(3, generator=rng))
    if call.raised is None:
        raise CheckFailed(
            "matvec(A, x) returned a result for a 3x4 A and a vector of length 3; "
            "the shapes do not fit, so it should raise an error.",
            zh="A 为 3x4、向量长度为 3 时，matvec(A, x) 返回了结果；两者形状不匹配，应当报错。",
        )
    x = torch.randn(4, generator=rng)
    check_tensor(
        student.matvec(A, x),
        A @ x,
        Text("matvec(A, x) for a 3x4 A", zh="matvec(A, x)（A 为 3x4）"),
        rtol=1e-5,
        atol=1e-5,
    )
