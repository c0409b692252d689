import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


def three_matrices(rng, m, n):
    return tuple(torch.randn(m, n, generator=rng) for _ in range(3))


@points(1)
@pytest.mark.parametrize("m, n", [(100, 200), (3, 2)])
def test_stack(student, rng, m, n):
    """T has shape (m, n, 3) and T[i, j, k] is entry (i, j) of the k-th matrix; inputs unchanged
    zh: T 的形状为 (m, n, 3)，T[i, j, k] 是第 k 个矩阵的 (i, j) 元素；输入保持不变"""
    A, B, C = three_matrices(rng, m, n)
    call = student.call("stack_on_last_axis", A, B, C)
    check_tensor(
        call.unwrap(),
        torch.stack([A, B, C], dim=-1),
        Text(f"T for three {m}x{n} matrices", zh=f"T（由三个 {m}x{n} 矩阵得到）"),
    )
    for index, (name, before) in enumerate(zip("ABC", (A, B, C))):
        check_unchanged(call.input_after(index), before, name)


@points(1)
def test_take_second(student, rng):
    """the second matrix comes back from the last axis; T unchanged
    zh: 从最后一个轴取回第二个矩阵；T 保持不变"""
    A, B, C = three_matrices(rng, 4, 5)
    T = torch.stack([A, B, C], dim=-1)
    call = student.call("take_second", T)
    check_tensor(
        call.unwrap(),
        B,
        Text(
            "take_second(T) for a T of shape (4, 5, 3)", zh="take_second(T)（T 的形状为 (4, 5, 3)）"
        ),
    )
    check_unchanged(call.input_after(0), T, "T")
