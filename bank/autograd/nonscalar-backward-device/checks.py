import pytest
import torch

from grader.judge import Text, check_tensor, check_untouched, check_used_autograd, points


def check_gradient(call, x, what):
    check_tensor(call.unwrap(), 2 * x, what)
    check_used_autograd(call, "grad_of_squares(x)")


def check_follows_the_device(student):
    """The same backward pass on a meta tensor: it must stay on x's device, and on a CPU runner
    the meta device stands in for a GPU."""
    x = torch.empty(5, device="meta")
    check_gradient(
        student.call("grad_of_squares", x),
        x,
        Text(
            "grad_of_squares(x) for x on another device",
            zh="x 在另一个设备上时的 grad_of_squares(x)",
        ),
    )


@points(0.5)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_gradient(student, rng, device, dtype):
    """2x by autograd, with x's dtype, on x's device (and on another device)
    zh: 用自动微分求出 2x，dtype 与 x 相同，位于 x 所在的设备上（另一个设备上也测）"""
    x = torch.randn(6, generator=rng, dtype=dtype).to(device)
    call = student.call("grad_of_squares", x)
    check_gradient(
        call,
        x,
        Text(
            f"grad_of_squares(x) for a {dtype} x on {device}",
            zh=f"x 为 {device} 上的 {dtype} 张量时的 grad_of_squares(x)",
        ),
    )
    check_follows_the_device(student)


@points(1)
def test_follows_the_device(student):
    """the backward pass runs on x's device (checked with the meta device)
    zh: 反向传播在 x 所在的设备上运行（用 meta 设备检查）"""
    check_follows_the_device(student)


@points(1)
def test_caller_x_unchanged(student, rng):
    """correct, and the caller's x keeps its values, has no gradient and does not require grad
    zh: 结果正确，且调用者传入的 x 值不变、没有梯度、也不要求梯度"""
    x = torch.randn(4, generator=rng)
    call = student.call("grad_of_squares", x)
    check_gradient(call, x, "grad_of_squares(x)")
    check_follows_the_device(student)
    check_untouched(call.input_after(0), x)
