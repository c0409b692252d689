import torch


def to_python_numbers(t):
    return t.item(), float(t), int(t)
