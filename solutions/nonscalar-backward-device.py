import torch


def grad_of_squares(x):
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    y.backward(gradient=torch.ones_like(y))
    return x.grad
