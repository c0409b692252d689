import torch


def regularized_gram(X, lam):
    d = X.shape[1]
    return X.T @ X + lam * torch.eye(d, dtype=X.dtype, device=X.device)
