import torch

from grader.judge import CheckFailed, Text, check_tensor, check_unchanged, points


def make_problem(rng, requires_grad):
    shapes = [(3, 2), (2,), (1, 4)]
    params = [torch.randn(s, generator=rng).requires_grad_(requires_grad) for s in shapes]
    grads = [torch.randn(s, generator=rng) for s in shapes]
    lr = float(torch.rand((), generator=rng)) * 0.5 + 0.05
    return params, grads, lr


def check_update(call, params, grads, lr):
    if call.unwrap() is not None:
        raise CheckFailed("sgd_step should return None.", zh="sgd_step 应当返回 None。")
    for i, (p, g) in enumerate(zip(params, grads)):
        check_tensor(
            call.input_after(f"args[0][{i}]").detach(),
            (p - lr * g).detach(),
            Text(
                f"params[{i}] as the model sees it after the step",
                zh=f"更新之后模型看到的 params[{i}]",
            ),
            rtol=1e-5,
            atol=1e-6,
        )
        check_unchanged(call.input_after(f"args[1][{i}]"), g, f"grads[{i}]")


@points(2)
def test_updates_in_place(student, rng):
    """every parameter is updated in place: other references see p - lr*g
    zh: 每个参数都被原地更新：其他引用看到的是 p - lr*g"""
    params, grads, lr = make_problem(rng, requires_grad=False)
    call = student.call("sgd_step", params, grads, lr)
    check_update(call, params, grads, lr)


@points(2)
def test_leaves_that_require_grad(student, rng):
    """works for parameters with requires_grad=True (the update is not recorded by autograd)
    zh: 参数 requires_grad=True 时也能用（更新不被自动微分记录）"""
    params, grads, lr = make_problem(rng, requires_grad=True)
    call = student.call("sgd_step", params, grads, lr)
    check_update(call, params, grads, lr)
