import io

import pandas as pd


def read_csv_text(text):
    return pd.read_csv(io.StringIO(text))
