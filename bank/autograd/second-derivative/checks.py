import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_untouched, check_used_autograd, points


def check_second(call, x):
    out = call.unwrap()
    if type(out) is not torch.Tensor:
        raise CheckFailed(
            "second_derivative_cubic(x) should return a tensor.",
            zh="second_derivative_cubic(x) 应当返回一个张量。",
        )
    check_tensor(
        out.detach(), 6 * x, "second_derivative_cubic(x)", rtol=1e-5, atol=1e-5, check_device=False
    )
    check_used_autograd(call, "second_derivative_cubic(x)")


@points(2)
@pytest.mark.parametrize("n", [3, 6])
def test_second_derivatives(student, rng, n):
    """the second derivatives ∂²y/∂xᵢ², computed by autograd
    zh: 用自动微分计算二阶导数 ∂²y/∂xᵢ²"""
    x = torch.randn(n, generator=rng)
    check_second(student.call("second_derivative_cubic", x), x)


@points(2)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(4, generator=rng)
    call = student.call("second_derivative_cubic", x)
    check_second(call, x)
    check_untouched(call.input_after(0), x)
