import io

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


def pick(rng, options, n):
    return [options[int(i)] for i in torch.randint(0, len(options), (n,), generator=rng)]


def house_csv(rng, n):
    """house_tiny.csv with random rows; NumRooms and RoofType have missing values."""
    rooms = [str(int(r)) for r in torch.randint(1, 7, (n,), generator=rng)]
    roofs = pick(rng, ["Slate", "Tile", "Pave"], n)
    prices = [str(int(p)) for p in torch.randint(90_000, 250_000, (n,), generator=rng)]
    missing_rooms = (torch.rand(n, generator=rng) < 0.4).tolist()
    missing_roofs = (torch.rand(n, generator=rng) < 0.4).tolist()
    missing_rooms[0], missing_rooms[1] = True, False  # NumRooms: some NaN, some numbers
    missing_roofs[-1] = False
    lines = ["NumRooms,RoofType,Price"]
    for i in range(n):
        lines.append(
            ",".join(
                [
                    "NA" if missing_rooms[i] else rooms[i],
                    "NA" if missing_roofs[i] else roofs[i],
                    prices[i],
                ]
            )
        )
    return "\n".join(lines) + "\n"


@points(1.5)
@pytest.mark.parametrize("n", [5, 8])
def test_house_data(student, rng, n):
    """columns, dtypes, NaN positions and values of house_tiny-like data"""
    text = house_csv(rng, n)
    check_frame(student.read_csv_text(text), pd.read_csv(io.StringIO(text)), "read_csv_text(text)")


@points(1)
def test_other_columns(student, rng):
    """works for any columns, not only the book's three"""
    n = 6
    ages = [str(int(a)) for a in torch.randint(18, 80, (n,), generator=rng)]
    cities = pick(rng, ["Paris", "Lima", "Oslo"], n)
    incomes = [f"{float(v):.2f}" for v in torch.rand(n, generator=rng) * 1000]
    lines = ["Age,City,Income,Owner"]
    for i in range(n):
        city = "NA" if i in (1, 4) else cities[i]
        income = "NA" if i == 2 else incomes[i]
        lines.append(",".join([ages[i], city, income, "yes" if i % 2 else "no"]))
    text = "\n".join(lines) + "\n"
    check_frame(student.read_csv_text(text), pd.read_csv(io.StringIO(text)), "read_csv_text(text)")
