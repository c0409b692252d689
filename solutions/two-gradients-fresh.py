import torch


def two_gradients(f1, f2, x):
    x = x.detach().clone().requires_grad_(True)
    f1(x).backward()
    first = x.grad.clone()
    x.grad.zero_()
    f2(x).backward()
    second = x.grad.clone()
    return first, second
