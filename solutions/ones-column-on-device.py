import torch


def add_ones_column(X):
    ones = torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)
    return torch.cat((X, ones), dim=1)
