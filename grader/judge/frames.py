"""Check helpers for pandas answers (DataFrame, Series), with the same rule as feedback.py:
say what differs (columns, rows, dtype, where values are missing, how many are wrong), never
the expected values. A separate module so the judge imports pandas only for pandas questions.

    from grader.judge.frames import check_frame, check_series
"""

import numpy as np
import pandas as pd

from .assertions import CheckFailed, describe_type, describe_type_zh, zh_of, zh_subject


def check_frame(actual, expected, what):
    """A DataFrame: type, columns, row labels, dtypes, then values (NaN in the same places)."""
    if type(actual) is not pd.DataFrame:
        raise CheckFailed(
            f"{what} should be a pandas DataFrame, but it is {describe_type(actual)}.",
            zh=f"{zh_subject(what)}应当是 pandas DataFrame，但它是{describe_type_zh(actual)}。",
        )
    columns = list(actual.columns)
    if columns != list(expected.columns):
        raise CheckFailed(
            f"{what} has the columns {columns}; {expected.shape[1]} column(s) were expected, "
            "and their names and order matter.",
            zh=f"{zh_subject(what)}的列是 {columns}；应有 {expected.shape[1]} 列，列名和顺序都要对。",
        )
    if list(actual.index) != list(expected.index):
        raise _rows_differ(actual, expected, what)
    for i, name in enumerate(columns):
        check_column(actual.iloc[:, i], expected.iloc[:, i], f"column {name!r} of {what}")


def check_series(actual, expected, what):
    """A Series: type, name, row labels, dtype, then values (NaN in the same places)."""
    if type(actual) is not pd.Series:
        raise CheckFailed(
            f"{what} should be a pandas Series, but it is {describe_type(actual)}.",
            zh=f"{zh_subject(what)}应当是 pandas Series，但它是{describe_type_zh(actual)}。",
        )
    if actual.name != expected.name:
        raise CheckFailed(
            f"{what} is named {actual.name!r}, but {expected.name!r} was expected.",
            zh=f"{zh_subject(what)}的名字是 {actual.name!r}，应为 {expected.name!r}。",
        )
    if list(actual.index) != list(expected.index):
        raise _rows_differ(actual, expected, what)
    check_column(actual, expected, what)


def _rows_differ(actual, expected, what):
    return CheckFailed(
        f"{what} has {len(actual)} rows labelled {list(actual.index)}, but "
        f"{len(expected)} rows labelled {list(expected.index)} were expected.",
        zh=f"{zh_subject(what)}有 {len(actual)} 行，行标签为 {list(actual.index)}；应有 "
        f"{len(expected)} 行，行标签为 {list(expected.index)}。",
    )


def check_column(actual, expected, what):
    if str(actual.dtype) != str(expected.dtype):
        raise CheckFailed(
            f"{what} has dtype {actual.dtype}, but {expected.dtype} was expected.",
            zh=f"{zh_subject(what)}的 dtype 是 {actual.dtype}，应为 {expected.dtype}。",
        )
    missing = actual.isna().to_numpy()
    if (missing != expected.isna().to_numpy()).any():
        wrong = int((missing != expected.isna().to_numpy()).sum())
        raise CheckFailed(
            f"{what} has missing values (NaN) in the wrong rows ({wrong} rows differ).",
            zh=f"{zh_subject(what)}的缺失值（NaN）位置不对（有 {wrong} 行不同）。",
        )
    got, want = actual.to_numpy()[~missing], expected.to_numpy()[~missing]
    if got.dtype.kind in "biuf" and want.dtype.kind in "biuf":
        ok = np.isclose(got.astype(float), want.astype(float), rtol=1e-7, atol=1e-9)
    else:
        ok = np.array(
            [a == b for a, b in zip(got.tolist(), want.tolist(), strict=True)], dtype=bool
        )
    if not ok.all():
        raise CheckFailed(
            f"{what}: {int((~ok).sum())} of {len(actual)} values are wrong.",
            zh=f"{zh_of(what)}：{len(actual)} 个值中有 {int((~ok).sum())} 个不对。",
        )
