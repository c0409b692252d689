import pandas as pd


def select_by_name(data, input_names, target_name):
    inputs = data[input_names]
    targets = data[target_name]
    return inputs, targets
