import pandas as pd


def drop_most_missing(data):
    return data.drop(columns=data.isna().sum().idxmax())
