import torch


def fit_linear(X, y, lr, steps):
    w = torch.zeros(X.shape[1], requires_grad=True)
    for _ in range(steps):
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
    return w.detach()
