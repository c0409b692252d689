import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame, check_series

# Column names are drawn from this pool in a random order, so the target (always the last
# column) has a different name from table to table, and "Price" may be any column.
NAMES = ["Price", "Area", "Rooms", "Roof", "Alley", "Age", "Garage", "Value", "y", "Lot"]


def random_table(rng, n_columns, n_rows=5):
    """Columns mixing floats with NaN, words and integers, under shuffled names."""
    order = torch.randperm(len(NAMES), generator=rng)[:n_columns].tolist()
    columns = {}
    for k in order:
        kind = int(torch.randint(0, 3, (1,), generator=rng))
        if kind == 0:
            values = (torch.randn(n_rows, generator=rng) * 10).tolist()
            values[int(torch.randint(0, n_rows, (1,), generator=rng))] = np.nan
        elif kind == 1:
            picks = torch.randint(0, 3, (n_rows,), generator=rng)
            values = [["red", "green", "blue"][int(i)] for i in picks]
        else:
            values = [int(v) for v in torch.randint(0, 100, (n_rows,), generator=rng)]
        columns[NAMES[k]] = values
    return pd.DataFrame(columns)


def check_split(out, data):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "split_inputs_targets(data) should return a pair (inputs, targets).",
            zh="split_inputs_targets(data) 应当返回一对 (inputs, targets)。",
        )
    check_frame(out[0], data.iloc[:, :-1], "inputs")
    check_series(out[1], data.iloc[:, -1], "targets")


@points(0.5)
@pytest.mark.parametrize("n_columns", [2, 4, 5])
def test_any_number_of_columns(student, rng, n_columns):
    """inputs = all columns but the last, targets = the last column as a Series
    zh: inputs = 除最后一列外的所有列，targets = 最后一列，类型为 Series"""
    data = random_table(rng, n_columns)
    check_split(student.split_inputs_targets(data), data)


@points(0.5)
def test_data_unchanged(student, rng):
    """row labels kept (the table does not start at row 0), and the caller's table unchanged
    zh: 保留行标签（表不从第 0 行开始），且调用者的表保持不变"""
    data = random_table(rng, 6, n_rows=6)
    data.index = [10, 11, 12, 13, 14, 15]
    call = student.call("split_inputs_targets", data)
    check_split(call.unwrap(), data)
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(data):
        raise CheckFailed(
            "the caller's DataFrame was modified; return new tables and leave data as it is.",
            zh="调用者的 DataFrame 被修改了；请返回新的表，不要改动 data。",
        )
