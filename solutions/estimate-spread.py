import torch


def estimate_spread(m, n, p, seed):
    torch.manual_seed(seed)
    draws = (torch.rand(m, n) < p).float()
    estimates = draws.mean(dim=1)
    return estimates.std()
