import torch


def fill_outside(X, low, high, fill):
    return torch.where((X < low) | (X > high), fill, X)
