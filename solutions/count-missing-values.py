import pandas as pd


def count_missing(data):
    return data.isna().sum()
