import torch

from grader.judge import check_answer, points


def expected(c):
    x = torch.arange(4.0, requires_grad=True)
    y = c * torch.dot(x, x)
    y.backward()
    z = x.sum()
    z.backward()
    return x.grad.tolist()


@points(3)
def test_prediction(student, variant):
    """x.grad after both backward passes
    zh: 两次反向传播之后的 x.grad"""
    check_answer(student.value("ACCUMULATED_GRAD"), expected(variant["c"]), "ACCUMULATED_GRAD")
