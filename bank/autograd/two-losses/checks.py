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


def check_pair(call, x):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "grads_of_two_losses(x) should return a pair of tensors.",
            zh="grads_of_two_losses(x) 应当返回由两个张量组成的二元组。",
        )
    first, second = out
    check_tensor(
        first,
        4 * x,
        Text("the gradient of 2·xᵀx", zh="2·xᵀx 的梯度"),
        rtol=1e-5,
        atol=1e-5,
        check_device=False,
    )
    check_tensor(
        second,
        torch.ones_like(x),
        Text("the gradient of sum(x)", zh="sum(x) 的梯度"),
        rtol=1e-5,
        atol=1e-6,
        check_device=False,
    )
    check_used_autograd(
        call, "grads_of_two_losses(x)", at_least=2, why=Text("one per loss", zh="每个损失一次")
    )


@points(1.5)
@pytest.mark.parametrize("n", [3, 6])
def test_both_gradients(student, rng, n):
    """both gradients, each from its own backward pass (the gradient was zeroed in between)
    zh: 两个梯度，各自来自单独的一次反向传播（两次之间梯度已清零）"""
    x = torch.randn(n, generator=rng)
    check_pair(student.call("grads_of_two_losses", x), x)


@points(2)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(4, generator=rng)
    call = student.call("grads_of_two_losses", x)
    check_pair(call, x)
    check_untouched(call.input_after(0), x)
