import io

import pandas as pd
import torch


def preprocess(text):
    data = pd.read_csv(io.StringIO(text))
    inputs, targets = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = inputs.fillna(inputs.mean(numeric_only=True))
    inputs = pd.get_dummies(inputs, dummy_na=True)
    X = torch.tensor(inputs.to_numpy(dtype=float), dtype=torch.float32)
    y = torch.tensor(targets.to_numpy(dtype=float), dtype=torch.float32)
    return X, y
