import pandas as pd


def one_hot_with_na(inputs):
    return pd.get_dummies(inputs, dummy_na=True)
