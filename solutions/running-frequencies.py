import torch


def running_frequencies(counts):
    cum_counts = counts.cumsum(dim=0)
    return cum_counts / cum_counts.sum(dim=1, keepdim=True)
