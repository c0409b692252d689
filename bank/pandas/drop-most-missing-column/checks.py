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


def table_with_gaps(rng, n_rows, counts, text_column=1):
    """One column per entry of counts, column j having counts[j] missing values at random rows."""
    columns = {}
    for j, count in enumerate(counts):
        if j == text_column:
            picks = torch.randint(0, 3, (n_rows,), generator=rng)
            values = [["Slate", "Tile", "Pave"][int(i)] for i in picks]
        else:
            values = (torch.randn(n_rows, generator=rng) * 10).double().tolist()
        for row in torch.randperm(n_rows, generator=rng)[:count].tolist():
            values[row] = np.nan
        columns[f"c{j}"] = values
    return pd.DataFrame(columns)


def expected(data):
    return data.drop(columns=data.isna().sum().idxmax())


@points(1.5)
@pytest.mark.parametrize("counts", [(1, 4, 0, 2), (3, 0, 5, 1, 2)])
def test_one_worst_column(student, rng, counts):
    """drops only the column with the most missing values"""
    data = table_with_gaps(rng, 7, counts)
    check_frame(student.drop_most_missing(data), expected(data), "drop_most_missing(data)")


@points(1)
def test_tie(student, rng):
    """on a tie, drops the leftmost of the tied columns (and keeps row labels)"""
    data = table_with_gaps(rng, 6, (2, 3, 1, 3))
    data.index = [5, 6, 7, 8, 9, 10]
    check_frame(student.drop_most_missing(data), expected(data), "drop_most_missing(data)")


@points(1)
def test_data_unchanged(student, rng):
    """correct, and the caller's DataFrame keeps all its columns"""
    data = table_with_gaps(rng, 5, (0, 2, 3))
    call = student.call("drop_most_missing", data)
    check_frame(call.unwrap(), expected(data), "drop_most_missing(data)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(data):
        raise CheckFailed(
            "the caller's DataFrame was modified; return a new DataFrame and leave data as it is."
        )
