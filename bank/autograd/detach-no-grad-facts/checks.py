import torch

from grader.judge import CheckFailed, points


def facts():
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    with torch.no_grad():
        v = x * 2
    return (u.requires_grad, u.is_leaf, u.data_ptr() == y.data_ptr(), v.requires_grad)


@points(3)
def test_facts(student):
    """the four booleans, in order"""
    value = student.value("DETACH_FACTS")
    if type(value) not in (tuple, list) or len(value) != 4:
        raise CheckFailed("DETACH_FACTS should be a tuple of four booleans.")
    if not all(type(v) is bool for v in value):
        raise CheckFailed("DETACH_FACTS should hold booleans (True or False) only.")
    if tuple(value) != facts():
        raise CheckFailed("DETACH_FACTS is not correct.")
