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


def words(rng, options, n, missing_share):
    picks = torch.randint(0, len(options), (n,), generator=rng).tolist()
    gaps = (torch.rand(n, generator=rng) < missing_share).tolist()
    values = [np.nan if gap else options[i] for i, gap in zip(picks, gaps)]
    values[: len(options)] = options  # every category appears at least once
    if missing_share > 0:
        values[-1] = np.nan
    return values


def random_inputs(rng, n):
    area = (torch.rand(n, generator=rng) * 100).tolist()
    area[2] = np.nan
    return pd.DataFrame(
        {
            "Area": area,
            "RoofType": words(rng, ["Tile", "Slate", "Pave"], n, 0.3),
            "Rooms": [int(v) for v in torch.randint(1, 6, (n,), generator=rng)],
            "Alley": words(rng, ["Pave", "Grvl"], n, 0.0),  # no missing value
        }
    )


@points(1.5)
@pytest.mark.parametrize("n", [6, 9])
def test_dummies(student, rng, n):
    """bool dummy columns C_<category> and C_nan, numeric columns first and unchanged"""
    inputs = random_inputs(rng, n)
    check_frame(
        student.one_hot_with_na(inputs),
        pd.get_dummies(inputs, dummy_na=True),
        "one_hot_with_na(inputs)",
    )


@points(1)
def test_one_text_column(student, rng):
    """a table with a single text column, missing values included"""
    inputs = pd.DataFrame({"Color": words(rng, ["red", "blue", "green"], 7, 0.3)})
    check_frame(
        student.one_hot_with_na(inputs),
        pd.get_dummies(inputs, dummy_na=True),
        "one_hot_with_na(inputs)",
    )


@points(1)
def test_inputs_unchanged(student, rng):
    """correct, and the caller's DataFrame is left as it was"""
    inputs = random_inputs(rng, 5)
    call = student.call("one_hot_with_na", inputs)
    check_frame(call.unwrap(), pd.get_dummies(inputs, dummy_na=True), "one_hot_with_na(inputs)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(inputs):
        raise CheckFailed("the caller's DataFrame was modified; leave inputs as it is.")
