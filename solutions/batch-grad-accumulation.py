import torch


def accumulated_gradient(loss, w, X, chunk):
    w = w.detach().clone().requires_grad_(True)
    n = X.shape[0]
    for start in range(0, n, chunk):
        (loss(w, X[start : start + chunk]) / n).backward()
    return w.grad
