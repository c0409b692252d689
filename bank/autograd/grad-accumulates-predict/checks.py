import torch

from grader.judge import CheckFailed, check_tensor, points


def expected():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    z = x.sum()
    z.backward()
    return x.grad


@points(2)
def test_prediction(student):
    """x.grad holds the sum of both gradients"""
    value = student.value("ACCUMULATED_GRAD")
    if type(value) is torch.Tensor:
        value = value.tolist()
    if type(value) not in (list, tuple) or not all(
        type(v) in (int, float) and type(v) is not bool for v in value
    ):
        raise CheckFailed(
            "ACCUMULATED_GRAD should be a list of numbers, such as [1.0, 2.0, 3.0, 4.0]."
        )
    check_tensor(
        torch.tensor([float(v) for v in value]), expected(), "ACCUMULATED_GRAD", check_device=False
    )
