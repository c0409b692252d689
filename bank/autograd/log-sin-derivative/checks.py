import pytest
import torch

from grader.judge import CheckFailed, check_tensor, check_untouched, check_used_autograd, points
from grader.judge.functions import autograd_gradient


def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x


def nonzero(rng, shape, dtype):
    """Values with |x| in [0.3, 3], either sign."""
    magnitude = torch.empty(shape, dtype=dtype).uniform_(0.3, 3.0, generator=rng)
    sign = torch.randint(0, 2, shape, generator=rng).to(dtype) * 2 - 1
    return magnitude * sign


@points(2)
@pytest.mark.parametrize(
    "dtype, shape", [(torch.float32, (8,)), (torch.float64, (2, 4))], ids=["float32", "float64"]
)
def test_both_derivatives(student, rng, dtype, shape):
    """f′(x) by autograd and by your formula: both right, the first by autograd, the second without
    zh: 分别用自动微分和你推导的公式求 f′(x)：两者都要对，前者用自动微分，后者不用"""
    x = nonzero(rng, shape, dtype)
    want = autograd_gradient(lambda t: f(t).sum(), x)
    tol = 1e-4 if dtype == torch.float32 else 1e-10
    by_autograd = student.call("derivative_by_autograd", x)
    out = by_autograd.unwrap()
    check_tensor(
        out.detach() if type(out) is torch.Tensor else out,
        want,
        "derivative_by_autograd(x)",
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    check_used_autograd(by_autograd, "derivative_by_autograd(x)")
    check_untouched(by_autograd.input_after(0), x)
    by_formula = student.call("derivative_by_formula", x)
    out = by_formula.unwrap()
    check_tensor(
        out.detach() if type(out) is torch.Tensor else out,
        want,
        "derivative_by_formula(x)",
        rtol=tol,
        atol=tol,
        check_device=False,
    )
    if by_formula.autograd_runs or by_formula.forward_ad_runs:
        raise CheckFailed(
            "derivative_by_formula(x) ran autograd: it should evaluate the formula you derived "
            "by hand, so that comparing it with derivative_by_autograd checks something.",
            zh="derivative_by_formula(x) 运行了自动微分：它应当计算你手工推导出的公式，"
            "这样和 derivative_by_autograd 对比才有意义。",
        )
