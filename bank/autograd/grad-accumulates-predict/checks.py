import torch

from grader.judge import check_answer, points


def expected():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    z = x.sum()
    z.backward()
    return x.grad.tolist()


@points(3)
def test_prediction(student):
    """x.grad after both backward passes
    zh: 两次反向传播之后的 x.grad"""
    check_answer(student.value("ACCUMULATED_GRAD"), expected(), "ACCUMULATED_GRAD")
