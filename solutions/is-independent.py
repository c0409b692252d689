import torch


def is_independent(J, tol):
    p_a = J.sum(dim=1, keepdim=True)
    p_b = J.sum(dim=0, keepdim=True)
    return bool(((J - p_a * p_b).abs() <= tol).all())
