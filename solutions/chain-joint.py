import torch


def chain_joint(p_a, p_b_given_a, p_c_given_b):
    return p_a[:, None, None] * p_b_given_a[:, :, None] * p_c_given_b[None, :, :]
