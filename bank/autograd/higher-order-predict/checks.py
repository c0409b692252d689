import torch

from grader.judge import check_answer, points


def derivatives():
    x = torch.tensor(3.0, requires_grad=True)
    y = x**3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    return (g.item(), h.item())


def without_create_graph():
    x = torch.tensor(3.0, requires_grad=True)
    (g,) = torch.autograd.grad(x**3, x)
    try:
        torch.autograd.grad(g, x)
    except Exception as exc:
        return type(exc).__name__
    return "no error"


@points(2)
def test_derivatives(student):
    """g = f′(3) and h = f″(3) for f(x) = x³
    zh: f(x) = x³ 时的 g = f′(3) 和 h = f″(3)"""
    check_answer(
        student.value("CUBIC_DERIVATIVES"), derivatives(), "CUBIC_DERIVATIVES", labels="gh"
    )


@points(2)
def test_without_create_graph(student):
    """the exception class raised when differentiating g a second time (or "no error")
    zh: 对 g 再次求导时抛出的异常类名（或 "no error"）"""
    check_answer(
        student.value("WITHOUT_CREATE_GRAPH"), without_create_graph(), "WITHOUT_CREATE_GRAPH"
    )
