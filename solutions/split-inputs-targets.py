import pandas as pd


def split_inputs_targets(data):
    inputs, targets = data.iloc[:, :-1], data.iloc[:, -1]
    return inputs, targets
