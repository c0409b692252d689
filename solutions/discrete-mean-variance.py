import torch


def mean_and_variance(values, probs):
    mean = (values * probs).sum()
    variance = (values**2 * probs).sum() - mean**2
    return mean, variance
