import torch


def chebyshev_check(x, eps):
    mu = x.mean()
    var = ((x - mu) ** 2).mean()
    tail = ((x - mu).abs() >= eps).float().mean()
    bound = torch.clamp(var / eps**2, max=1.0)
    return tail, bound
