import torch


def power_until(x, limit):
    x = x.detach().clone().requires_grad_(True)
    y = x
    while y < limit:
        y = y * x
    y.backward()
    return y.detach(), x.grad
