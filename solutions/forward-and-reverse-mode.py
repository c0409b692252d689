import torch


def forward_jvp(f, x, v):
    _, tangent = torch.func.jvp(f, (x,), (v,))
    return tangent


def reverse_vjp(f, x, u):
    _, pullback = torch.func.vjp(f, x)
    (grad,) = pullback(u)
    return grad
