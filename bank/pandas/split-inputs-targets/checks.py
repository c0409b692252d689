import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, describe_type, points


def check_frame(actual, expected, what):
    """A DataFrame: type, columns, row labels, dtypes, then values (NaN in the same places)."""
    if type(actual) is not pd.DataFrame:
        raise CheckFailed(
            f"{what} should be a pandas DataFrame, but it is {describe_type(actual)}."
        )
    columns = list(actual.columns)
    if columns != list(expected.columns):
        raise CheckFailed(
            f"{what} has the columns {columns}; {expected.shape[1]} column(s) were expected, "
            "and their names and order matter."
        )
    if list(actual.index) != list(expected.index):
        raise CheckFailed(
            f"{what} has {len(actual)} rows labelled {list(actual.index)}, but "
            f"{len(expected)} rows labelled {list(expected.index)} were expected."
        )
    for i, name in enumerate(columns):
        check_column(actual.iloc[:, i], expected.iloc[:, i], f"column {name!r} of {what}")


def check_series(actual, expected, what):
    """A Series: type, name, row labels, dtype, then values (NaN in the same places)."""
    if type(actual) is not pd.Series:
        raise CheckFailed(f"{what} should be a pandas Series, but it is {describe_type(actual)}.")
    if actual.name != expected.name:
        raise CheckFailed(f"{what} is named {actual.name!r}, but {expected.name!r} was expected.")
    if list(actual.index) != list(expected.index):
        raise CheckFailed(
            f"{what} has {len(actual)} rows labelled {list(actual.index)}, but "
            f"{len(expected)} rows labelled {list(expected.index)} were expected."
        )
    check_column(actual, expected, what)


def check_column(actual, expected, what):
    if str(actual.dtype) != str(expected.dtype):
        raise CheckFailed(f"{what} has dtype {actual.dtype}, but {expected.dtype} was expected.")
    missing = actual.isna().to_numpy()
    if (missing != expected.isna().to_numpy()).any():
        wrong = int((missing != expected.isna().to_numpy()).sum())
        raise CheckFailed(
            f"{what} has missing values (NaN) in the wrong rows ({wrong} rows differ)."
        )
    got, want = actual.to_numpy()[~missing], expected.to_numpy()[~missing]
    if got.dtype.kind in "biuf" and want.dtype.kind in "biuf":
        ok = np.isclose(got.astype(float), want.astype(float), rtol=1e-7, atol=1e-9)
    else:
        ok = np.array([a == b for a, b in zip(got.tolist(), want.tolist())], dtype=bool)
    if not ok.all():
        raise CheckFailed(f"{what}: {int((~ok).sum())} of {len(actual)} values are wrong.")


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
