import torch
from torch.distributions import multinomial


def roll_counts(n, seed):
    torch.manual_seed(seed)
    fair_probs = torch.ones([6]) / 6
    return multinomial.Multinomial(n, fair_probs).sample()
