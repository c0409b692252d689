import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import points
from grader.judge.frames import check_series


def random_table(rng, n_rows, counts):
    """Column j has counts[j] missing values at random rows; every other column holds words."""
    columns = {}
    for j, count in enumerate(counts):
        if j % 2:
            picks = torch.randint(0, 3, (n_rows,), generator=rng)
            values = [["Slate", "Tile", "Pave"][int(i)] for i in picks]
        else:
            values = (torch.randn(n_rows, generator=rng) * 10).double().tolist()
        for row in torch.randperm(n_rows, generator=rng)[:count].tolist():
            values[row] = np.nan
        columns[f"col{j}"] = values
    return pd.DataFrame(columns)


def random_counts(rng, n_rows, n_columns):
    return [int(c) for c in torch.randint(0, n_rows, (n_columns,), generator=rng)]


@points(0.5)
@pytest.mark.parametrize("n_rows, n_columns", [(5, 4), (8, 3)])
def test_random_tables(student, rng, n_rows, n_columns):
    """one count per column, labelled by the column names, as int64
    zh: 每列一个计数，以列名为标签，dtype 为 int64"""
    data = random_table(rng, n_rows, random_counts(rng, n_rows, n_columns))
    check_series(student.count_missing(data), data.isna().sum(), "count_missing(data)")


@points(1)
def test_complete_and_empty_columns(student, rng):
    """a column with no missing value, a column with nothing but missing values, row labels from 10
    zh: 有一列没有缺失值，有一列全是缺失值，行标签从 10 开始"""
    n_rows = 6
    counts = random_counts(rng, n_rows, 4)
    counts[0], counts[3] = 0, n_rows
    data = random_table(rng, n_rows, counts)
    data.index = range(10, 10 + n_rows)
    check_series(student.count_missing(data), data.isna().sum(), "count_missing(data)")
