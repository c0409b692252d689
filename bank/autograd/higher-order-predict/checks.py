import torch

from grader.judge import CheckFailed, check_close, check_equal, points


def derivatives():
    x = torch.tensor(3.0, requires_grad=True)
    y = x**3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    return g.item(), h.item()


def without_create_graph():
    x = torch.tensor(3.0, requires_grad=True)
    (g,) = torch.autograd.grad(x**3, x)
    try:
        torch.autograd.grad(g, x)
    except Exception as exc:
        return type(exc).__name__
    return "no error"


@points(1.5)
def test_derivatives(student):
    """g = f′(3) and h = f″(3) for f(x) = x³"""
    value = student.value("CUBIC_DERIVATIVES")
    if type(value) not in (tuple, list) or len(value) != 2:
        raise CheckFailed("CUBIC_DERIVATIVES should be a pair of numbers (g, h).")
    g, h = derivatives()
    check_close(value[0], g, "g (the first derivative)")
    check_close(value[1], h, "h (the second derivative)")


@points(1.5)
def test_without_create_graph(student):
    """the exception class raised when differentiating g a second time (or "no error")"""
    value = student.value("WITHOUT_CREATE_GRAPH")
    if type(value) is not str:
        raise CheckFailed('WITHOUT_CREATE_GRAPH should be a string, such as "ValueError".')
    check_equal(value.strip(), without_create_graph(), "WITHOUT_CREATE_GRAPH")
