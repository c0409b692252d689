import torch


def detached_grad(x):
    x = x.detach().clone().requires_grad_(True)
    u = (x * x).detach()
    (u * x).sum().backward()
    return x.grad
