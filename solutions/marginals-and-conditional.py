import torch


def marginals_and_conditional(J):
    p_a = J.sum(dim=1)
    p_b = J.sum(dim=0)
    p_b_given_a = J / J.sum(dim=1, keepdim=True)
    return p_a, p_b, p_b_given_a
