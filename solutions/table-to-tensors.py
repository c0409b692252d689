import pandas as pd
import torch


def to_tensors(inputs, targets):
    X = torch.tensor(inputs.to_numpy(dtype=float))
    y = torch.tensor(targets.to_numpy(dtype=float))
    return X, y
