import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points


@points(1.5)
@pytest.mark.parametrize("n", [3, 6])
def test_six_x(student, rng, n):
    """the second derivatives equal 6x"""
    x = torch.randn(n, generator=rng)
    out = student.second_derivative_cubic(x)
    if type(out) is not torch.Tensor:
        raise CheckFailed("second_derivative_cubic(x) should return a tensor.")
    check_tensor(
        out.detach(), 6 * x, "second_derivative_cubic(x)", rtol=1e-5, atol=1e-5, check_device=False
    )


@points(1)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values"""
    x = torch.randn(4, generator=rng)
    call = student.call("second_derivative_cubic", x)
    out = call.unwrap()
    if type(out) is not torch.Tensor:
        raise CheckFailed("second_derivative_cubic(x) should return a tensor.")
    check_tensor(
        out.detach(), 6 * x, "second_derivative_cubic(x)", rtol=1e-5, atol=1e-5, check_device=False
    )
    if not torch.equal(call.input_after(0).detach(), x):
        raise CheckFailed("the values of the caller's x were changed.")
