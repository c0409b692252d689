import torch


def second_derivative_cubic(x):
    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad((x**3).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return h
