import torch

from grader.judge import check_answer, points


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
    return x.grad.tolist()


@points(2)
def test_first_outcome(student):
    """the exception class raised by the second backward() (or "no error")
    zh: 第二次调用 backward() 时抛出的异常类名（或 "no error"）"""
    check_answer(
        student.value("SECOND_BACKWARD_OUTCOME"), first_outcome(), "SECOND_BACKWARD_OUTCOME"
    )


@points(2)
def test_grad_after_retain(student):
    """x.grad after two backward passes with retain_graph=True
    zh: 用 retain_graph=True 做两次反向传播之后的 x.grad"""
    check_answer(student.value("GRAD_AFTER_RETAIN"), grad_after_retain(), "GRAD_AFTER_RETAIN")
