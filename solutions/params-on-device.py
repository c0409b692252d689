import torch


def init_params(num_inputs, device):
    w = torch.normal(0, 0.01, size=(num_inputs, 1), device=device, requires_grad=True)
    b = torch.zeros(1, device=device, requires_grad=True)
    return w, b
