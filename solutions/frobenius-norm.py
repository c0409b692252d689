import torch


def frobenius_norm(X):
    return torch.norm(X)
