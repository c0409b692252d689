import pandas as pd


def fill_missing_with_mean(inputs):
    return inputs.fillna(inputs.mean(numeric_only=True))
