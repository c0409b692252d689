import warnings

import torch

from grader.judge import Text, check_choice, points

# The options of the prompt, with the GPU written as `dev`.
OPTIONS = {
    "A": "w = torch.zeros(3, requires_grad=True).to(dev)",
    "B": "w = torch.zeros(3, device=dev, requires_grad=True)",
    "C": "w = torch.zeros(3).to(dev).requires_grad_()",
    "D": "w = torch.randn(3, device=dev, requires_grad=True) * 0.01",
    "E": "w = torch.nn.Parameter(torch.zeros(3).to(dev))",
}


def gets_gradient(statement, dev):
    scope = {"torch": torch, "dev": dev}
    exec(statement, scope)
    w = scope["w"]
    if w.device.type == "meta":
        # Meta tensors hold no data, so no backward pass: .grad is filled exactly for the
        # leaves that require grad.
        return w.is_leaf and w.requires_grad
    (w * 2).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns
        return w.grad is not None


@points(2)
def test_answer(student, device):
    """exactly the options that give a leaf on the GPU (worked out on CUDA, or on the meta device standing in for it)
    zh: 恰好是能在 GPU 上得到叶子张量的那些选项（在 CUDA 上判定，或用 meta 设备代替 GPU）"""
    # A CPU runner has no GPU: the meta device is not the CPU either, so it behaves the same way.
    dev = "meta" if device == "cpu" else device
    expected = {letter for letter, statement in OPTIONS.items() if gets_gradient(statement, dev)}
    check_choice(
        student.value("LEAF_ON_GPU_ANSWER"),
        "LEAF_ON_GPU_ANSWER",
        OPTIONS,
        expected,
        wrong=Text(
            "LEAF_ON_GPU_ANSWER is not the right set of options.",
            zh="LEAF_ON_GPU_ANSWER 不是正确的选项集合。",
        ),
    )
