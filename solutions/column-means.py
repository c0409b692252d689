import torch


def feature_means(X):
    return X.float().mean(axis=0)
