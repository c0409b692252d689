import torch


def sample_normal(shape, mean, std, seed):
    g = torch.Generator().manual_seed(seed)
    return mean + std * torch.randn(shape, generator=g)
