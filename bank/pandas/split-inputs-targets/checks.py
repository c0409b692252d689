import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame, check_series


def random_table(rng, n_columns, n_rows=5):
    """Inputs mixing floats with NaN, words and integers; the last column is the target y."""
    columns = {}
    for j in range(n_columns - 1):
        if j % 3 == 0:
            values = (torch.randn(n_rows, generator=rng) * 10).tolist()
            values[int(torch.randint(0, n_rows, (1,), generator=rng))] = np.nan
        elif j % 3 == 1:
            picks = torch.randint(0, 3, (n_rows,), generator=rng)
            values = [["red", "green", "blue"][int(i)] for i in picks]
        else:
            values = [int(v) for v in torch.randint(0, 100, (n_rows,), generator=rng)]
        columns[f"feature_{j}"] = values
    columns["y"] = [int(v) for v in torch.randint(1000, 9000, (n_rows,), generator=rng)]
    return pd.DataFrame(columns)


def check_split(out, data):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed("split_inputs_targets(data) should return a pair (inputs, targets).")
    check_frame(out[0], data.iloc[:, :-1], "inputs")
    check_series(out[1], data.iloc[:, -1], "targets")


@points(1)
@pytest.mark.parametrize("n_columns", [3, 5, 2])
def test_any_number_of_columns(student, rng, n_columns):
    """inputs = all columns but the last, targets = the last column as a Series"""
    data = random_table(rng, n_columns)
    check_split(student.split_inputs_targets(data), data)


@points(1)
def test_row_labels_kept(student, rng):
    """all rows are kept with their labels (the table here does not start at row 0)"""
    data = random_table(rng, 4, n_rows=6)
    data.index = [10, 11, 12, 13, 14, 15]
    check_split(student.split_inputs_targets(data), data)
