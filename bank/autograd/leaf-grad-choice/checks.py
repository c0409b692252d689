import warnings

import torch

from grader.judge import Text, check_choice, choice_label, points


def with_grad():
    """The keys of the options (the tensors) whose .grad is not None."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0])
    y = x * w
    z = y.exp()
    z.retain_grad()
    loss = z.sum()
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns
        tensors = {"x": x, "w": w, "y": y, "z": z, "loss": loss}
        return {key for key, t in tensors.items() if t.grad is not None}


@points(4)
def test_answer(student, variant):
    """exactly the tensors whose .grad is not None
    zh: 恰好是 .grad 不为 None 的那些张量"""
    check_choice(
        student.value("TENSORS_WITH_GRAD"),
        "TENSORS_WITH_GRAD",
        "ABCDE",
        {choice_label(variant, key) for key in with_grad()},
        wrong=Text(
            "TENSORS_WITH_GRAD is not the set of tensors that get a .grad.",
            zh="TENSORS_WITH_GRAD 不是得到 .grad 的那组张量。",
        ),
    )
