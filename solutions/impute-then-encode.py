import pandas as pd


def impute_then_encode(inputs):
    filled = inputs.fillna(inputs.mean(numeric_only=True))
    return pd.get_dummies(filled, dummy_na=True)
