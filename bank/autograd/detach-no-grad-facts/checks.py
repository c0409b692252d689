import torch

from grader.judge import check_answer, points


def facts():
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    with torch.no_grad():
        v = x * 2
    return (u.requires_grad, u.is_leaf, u.data_ptr() == y.data_ptr(), v.requires_grad)


@points(4)
def test_facts(student):
    """the four booleans, in order
    zh: 按顺序给出的四个布尔值"""
    check_answer(student.value("DETACH_FACTS"), facts(), "DETACH_FACTS")
