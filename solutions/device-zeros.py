import torch


def zeros_like_on_device(X):
    return torch.zeros_like(X)
