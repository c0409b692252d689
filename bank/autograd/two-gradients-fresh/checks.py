import pytest
import torch

from grader.judge import (
    CheckFailed,
    Text,
    check_tensor,
    check_untouched,
    check_used_autograd,
    points,
)
from grader.judge.functions import autograd_gradient, random_scalar_function


def check_pair(call, f1, f2, x, tol):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "two_gradients(f1, f2, x) should return a pair of tensors.",
            zh="two_gradients(f1, f2, x) 应当返回由两个张量组成的二元组。",
        )
    first, second = out
    check_tensor(first, autograd_gradient(f1, x), "∇f1(x)", rtol=tol, atol=tol, check_device=False)
    check_tensor(second, autograd_gradient(f2, x), "∇f2(x)", rtol=tol, atol=tol, check_device=False)
    check_used_autograd(
        call,
        "two_gradients(f1, f2, x)",
        at_least=2,
        why=Text("one per function", zh="每个函数一次"),
    )


@points(1.5)
@pytest.mark.parametrize("shape", [(5,), (2, 3)], ids=["vector", "matrix"])
def test_both_gradients(student, rng, shape):
    """both gradients of two functions drawn at random, one backward pass each
    zh: 两个随机生成的函数各自的梯度，每个函数做一次反向传播"""
    f1, f2 = random_scalar_function(rng, name="f1"), random_scalar_function(rng, name="f2")
    x = torch.empty(shape).uniform_(-1.5, 1.5, generator=rng)
    check_pair(student.call("two_gradients", f1, f2, x), f1, f2, x, 1e-4)


@points(2)
def test_float64_and_caller_x_unchanged(student, rng):
    """float64 is kept, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 保持 float64，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    f1, f2 = random_scalar_function(rng, name="f1"), random_scalar_function(rng, name="f2")
    x = torch.empty(4, dtype=torch.float64).uniform_(-1.5, 1.5, generator=rng)
    call = student.call("two_gradients", f1, f2, x)
    check_pair(call, f1, f2, x, 1e-10)
    check_untouched(call.input_after(2), x)
