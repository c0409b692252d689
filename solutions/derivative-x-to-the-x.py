import torch


def x_to_the_x_derivative(x):
    return x**x * (torch.log(x) + 1)
