import torch


def is_symmetric(A):
    return A.shape[0] == A.shape[1] and torch.equal(A, A.T)
