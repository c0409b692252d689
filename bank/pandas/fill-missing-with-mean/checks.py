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


def with_gaps(rng, values, share=0.4):
    """values with some entries replaced by NaN (never the first two nor all of them)."""
    values = list(values)
    gaps = (torch.rand(len(values), generator=rng) < share).tolist()
    gaps[0], gaps[1], gaps[-1] = False, False, True
    return [np.nan if gap else v for v, gap in zip(values, gaps)]


def random_inputs(rng, n, with_text):
    columns = {
        "Area": with_gaps(rng, (torch.rand(n, generator=rng) * 200 + 20).tolist()),
        "Rooms": [int(v) for v in torch.randint(1, 7, (n,), generator=rng)],
        "Age": with_gaps(rng, (torch.randn(n, generator=rng) * 5 + 30).tolist()),
    }
    if with_text:
        picks = torch.randint(0, 3, (n,), generator=rng)
        columns["RoofType"] = with_gaps(rng, [["Slate", "Tile", "Pave"][int(i)] for i in picks])
    return pd.DataFrame(columns)


def expected(inputs):
    return inputs.fillna(inputs.mean(numeric_only=True))


@points(1.5)
@pytest.mark.parametrize("n", [5, 8])
def test_with_a_text_column(student, rng, n):
    """numeric NaN replaced by the column mean; the text column and its NaN kept"""
    inputs = random_inputs(rng, n, with_text=True)
    check_frame(
        student.fill_missing_with_mean(inputs), expected(inputs), "fill_missing_with_mean(inputs)"
    )


@points(1)
def test_numeric_only(student, rng):
    """a table with numeric columns only"""
    inputs = random_inputs(rng, 6, with_text=False)
    check_frame(
        student.fill_missing_with_mean(inputs), expected(inputs), "fill_missing_with_mean(inputs)"
    )


@points(1)
def test_inputs_unchanged(student, rng):
    """correct, and the caller's DataFrame keeps its missing values"""
    inputs = random_inputs(rng, 6, with_text=True)
    call = student.call("fill_missing_with_mean", inputs)
    check_frame(call.unwrap(), expected(inputs), "fill_missing_with_mean(inputs)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(inputs):
        raise CheckFailed(
            "the caller's DataFrame was modified; return a new DataFrame and leave inputs as it is."
        )
