import torch


def hadamard(A, B):
    return A * B
