import torch


def add_samples(X, Y):
    return torch.cat((X, Y), dim=0)


def add_features(X, Y):
    return torch.cat((X, Y), dim=1)
