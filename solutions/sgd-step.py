import torch


def sgd_step(params, grads, lr):
    with torch.no_grad():
        for p, g in zip(params, grads):
            p -= lr * g
