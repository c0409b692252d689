import torch


def gradient_descent(loss, w0, lr, steps):
    w = w0.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(steps):
        value = loss(w)
        losses.append(value.item())
        value.backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
    return w.detach(), losses
