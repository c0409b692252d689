import torch


def dot_product(x, y):
    return torch.dot(x.float(), y.float())
