import warnings

import torch

from grader.judge import CheckFailed, points


def with_grad():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0])
    y = x * w
    z = y.exp()
    z.retain_grad()
    loss = z.sum()
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns
        tensors = {"A": x, "B": w, "C": y, "D": z, "E": loss}
        return {letter for letter, t in tensors.items() if t.grad is not None}


@points(3)
def test_answer(student):
    """exactly the tensors whose .grad is not None"""
    value = student.value("TENSORS_WITH_GRAD")
    if type(value) not in (set, frozenset):
        raise CheckFailed('TENSORS_WITH_GRAD should be a set of letters, such as {"B", "C"}.')
    if not all(type(v) is str for v in value):
        raise CheckFailed("TENSORS_WITH_GRAD should contain letters (strings) only.")
    letters = {v.strip().upper() for v in value}
    if not letters <= set("ABCDE"):
        raise CheckFailed(
            "TENSORS_WITH_GRAD contains something that is not one of the letters A to E."
        )
    if letters != with_grad():
        raise CheckFailed("TENSORS_WITH_GRAD is not the set of tensors that get a .grad.")
