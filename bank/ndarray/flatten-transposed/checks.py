import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(1)
@pytest.mark.parametrize("m, n", [(2, 3), (4, 2), (3, 5)])
def test_columns_one_after_another(student, rng, m, n):
    """the columns of A one after another, as a 1-D tensor
    zh: 把 A 的各列依次排成一个一维张量"""
    A = torch.randn(m, n, generator=rng)
    check_tensor(
        student.flatten_transposed(A),
        A.T.reshape(-1),
        Text(
            f"flatten_transposed(A) for A of shape ({m}, {n})",
            zh=f"A 的形状为 ({m}, {n}) 时的 flatten_transposed(A)",
        ),
    )


@points(1)
def test_integer_input_unchanged(student, rng):
    """an int64 A keeps its dtype and is not modified
    zh: int64 的 A：结果保持 dtype，A 不被修改"""
    A = torch.randint(-9, 10, (3, 4), generator=rng)
    call = student.call("flatten_transposed", A)
    check_tensor(
        call.unwrap(),
        A.T.reshape(-1),
        Text(
            "flatten_transposed(A) for an int64 A of shape (3, 4)",
            zh="A 为形状 (3, 4) 的 int64 张量时的 flatten_transposed(A)",
        ),
    )
    check_unchanged(call.input_after(0), A, "A")
