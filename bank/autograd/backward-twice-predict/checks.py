import torch

from grader.judge import CheckFailed, check_equal, check_tensor, points


def first_outcome():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    try:
        y.backward()
    except Exception as exc:
        return type(exc).__name__
    return "no error"


def grad_after_retain():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


@points(1.5)
def test_first_outcome(student):
    """the exception class raised by the second backward() (or "no error")"""
    value = student.value("SECOND_BACKWARD_OUTCOME")
    if type(value) is not str:
        raise CheckFailed('SECOND_BACKWARD_OUTCOME should be a string, such as "ValueError".')
    check_equal(value.strip(), first_outcome(), "SECOND_BACKWARD_OUTCOME")


@points(1.5)
def test_grad_after_retain(student):
    """x.grad after two backward passes with retain_graph=True"""
    value = student.value("GRAD_AFTER_RETAIN")
    if type(value) is torch.Tensor:
        value = value.tolist()
    if type(value) not in (list, tuple) or not all(
        type(v) in (int, float) and type(v) is not bool for v in value
    ):
        raise CheckFailed("GRAD_AFTER_RETAIN should be a list of numbers.")
    check_tensor(
        torch.tensor([float(v) for v in value]),
        grad_after_retain(),
        "GRAD_AFTER_RETAIN",
        check_device=False,
    )
