import torch


def grad_quadratic_exp(x):
    return torch.stack([6 * x[0], 5 * torch.exp(x[1])])
