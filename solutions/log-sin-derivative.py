import torch


def log_sin(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x


def derivative_by_autograd(x):
    x = x.detach().clone().requires_grad_(True)
    log_sin(x).sum().backward()
    return x.grad


def derivative_by_formula(x):
    return 2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x) - 1 / x**2
