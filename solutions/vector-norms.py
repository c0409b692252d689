import torch


def vector_norms(x):
    return torch.abs(x).sum(), torch.norm(x)
