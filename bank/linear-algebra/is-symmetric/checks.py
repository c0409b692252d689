import pytest
import torch

from grader.judge import Text, check_equal, check_unchanged, points


def symmetric(rng, n, dtype):
    if dtype == torch.int64:
        B = torch.randint(-9, 10, (n, n), generator=rng)
    else:
        B = torch.randn(n, n, generator=rng, dtype=dtype)
    return B + B.T


def perturbed(A, rng):
    """A copy of the square matrix A with one pair A[i, j] != A[j, i]."""
    A = A.clone()
    n = A.shape[0]
    i = int(torch.randint(0, n - 1, (), generator=rng))
    j = int(torch.randint(i + 1, n, (), generator=rng))
    A[i, j] = A[j, i] + 1
    return A


def check_answer(student, A, expected, what):
    call = student.call("is_symmetric", A)
    check_equal(call.unwrap(), expected, what)
    check_unchanged(call.input_after(0), A, "A")


@points(0.25)
@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.int64, torch.float64], ids=["float32", "int64", "float64"]
)
@pytest.mark.parametrize("n", [2, 4])
def test_square_matrices(student, rng, n, dtype):
    """True for B + Bᵀ, False once one entry differs from its mirror; A left unchanged
    zh: B + Bᵀ 得到 True，只要有一个元素和它的对称位置不同就得到 False；A 保持不变"""
    A = symmetric(rng, n, dtype)
    what = Text(
        f"is_symmetric(A) for a {n}x{n} A of dtype {dtype}",
        zh=f"is_symmetric(A)（A 为 {n}x{n}，dtype 为 {dtype}）",
    )
    check_answer(student, A, True, what)
    check_answer(student, perturbed(A, rng), False, what)


@points(0.25)
@pytest.mark.parametrize("shape", [(2, 3), (4, 1), (3, 5), (5, 2)])
def test_non_square(student, rng, shape):
    """False, not an error, for non-square matrices; square ones built from them still judged right
    zh: 非方阵得到 False 而不是报错；由它们构造的方阵也要判断对"""
    M = torch.ones(shape) if shape == (4, 1) else torch.randn(shape, generator=rng)
    check_answer(
        student,
        M,
        False,
        Text(
            f"is_symmetric(A) for a {shape[0]}x{shape[1]} A",
            zh=f"is_symmetric(A)（A 为 {shape[0]}x{shape[1]}）",
        ),
    )
    gram = M @ M.T + torch.eye(shape[0])
    check_answer(
        student,
        gram,
        True,
        Text(
            f"is_symmetric(A) for a {shape[0]}x{shape[0]} A",
            zh=f"is_symmetric(A)（A 为 {shape[0]}x{shape[0]}）",
        ),
    )
    if shape[0] > 1:
        check_answer(
            student,
            perturbed(gram, rng),
            False,
            Text(
                f"is_symmetric(A) for a {shape[0]}x{shape[0]} A",
                zh=f"is_symmetric(A)（A 为 {shape[0]}x{shape[0]}）",
            ),
        )
