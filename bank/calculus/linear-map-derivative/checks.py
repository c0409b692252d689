import pytest
import torch
from torch.autograd.functional import jacobian

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def check_pair(student, A, x):
    call = student.call("linear_map_derivatives", A)
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "linear_map_derivatives(A) should return a pair (jacobian, gradient).",
            zh="linear_map_derivatives(A) 应当返回一对 (jacobian, gradient)。",
        )
    J = jacobian(lambda x: A @ x, x)
    check_tensor(
        out[0], J, Text("the Jacobian", zh="雅可比矩阵"), rtol=1e-6, atol=1e-7, check_device=False
    )
    check_tensor(
        out[1],
        J.T,
        Text("the gradient (d2l's layout)", zh="梯度（d2l 的布局）"),
        rtol=1e-6,
        atol=1e-7,
        check_device=False,
    )
    check_unchanged(call.input_after(0), A, "A")


@points(1)
@pytest.mark.parametrize("m, n", [(2, 5), (4, 3), (3, 3)])
def test_both_layouts(student, rng, m, n):
    """the Jacobian is m x n and d2l's gradient is n x m; A left unchanged
    zh: 雅可比矩阵是 m x n，d2l 的梯度是 n x m；A 保持不变"""
    A, x = torch.randn(m, n, generator=rng), torch.randn(n, generator=rng)
    check_pair(student, A, x)


@points(1)
def test_float64(student, rng):
    """float64 is kept; A left unchanged
    zh: 结果仍是 float64；A 保持不变"""
    A = torch.randn(3, 6, generator=rng, dtype=torch.float64)
    x = torch.randn(6, generator=rng, dtype=torch.float64)
    check_pair(student, A, x)
