import torch


def matvec(A, x):
    return torch.mv(A, x)
