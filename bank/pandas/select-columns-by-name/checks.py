import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame, check_series

NAMES = ["Price", "Area", "Rooms", "Roof", "Alley", "Age", "Garage", "Lot", "Value"]


def random_table(rng, n_columns, n_rows=5):
    """Columns of floats with NaN, words and integers, under shuffled names."""
    order = torch.randperm(len(NAMES), generator=rng)[:n_columns].tolist()
    columns = {}
    for j, k in enumerate(order):
        if j % 3 == 0:
            values = (torch.randn(n_rows, generator=rng) * 10).tolist()
            values[int(torch.randint(0, n_rows, (1,), generator=rng))] = np.nan
        elif j % 3 == 1:
            picks = torch.randint(0, 3, (n_rows,), generator=rng)
            values = [["red", "green", "blue"][int(i)] for i in picks]
        else:
            values = [int(v) for v in torch.randint(0, 100, (n_rows,), generator=rng)]
        columns[NAMES[k]] = values
    return pd.DataFrame(columns)


def pick_names(rng, data, n_inputs):
    """Some input columns, in an order that is not the table's, and another target column."""
    columns = list(data.columns)
    chosen = [columns[i] for i in torch.randperm(len(columns), generator=rng).tolist()]
    input_names, target_name = chosen[:n_inputs], chosen[n_inputs]
    if sorted(input_names, key=columns.index) == input_names:
        input_names.reverse()
    return input_names, target_name


def check_selection(out, data, input_names, target_name):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "select_by_name(...) should return a pair (inputs, targets).",
            zh="select_by_name(...) 应当返回一对 (inputs, targets)。",
        )
    check_frame(out[0], data[input_names], "inputs")
    check_series(out[1], data[target_name], "targets")


@points(0.5)
@pytest.mark.parametrize("n_inputs", [2, 3])
def test_named_columns(student, rng, n_inputs):
    """inputs: the named columns in the order given; targets: the named column as a Series
    zh: inputs：按给定顺序取出的指定列；targets：指定的那一列，类型为 Series"""
    data = random_table(rng, 6)
    input_names, target_name = pick_names(rng, data, n_inputs)
    out = student.select_by_name(data, input_names, target_name)
    check_selection(out, data, input_names, target_name)


@points(1)
def test_data_unchanged(student, rng):
    """row labels kept (the table does not start at row 0), and the caller's table unchanged
    zh: 保留行标签（表不从第 0 行开始），且调用者的表保持不变"""
    data = random_table(rng, 5, n_rows=6)
    data.index = [3, 4, 5, 6, 7, 8]
    input_names, target_name = pick_names(rng, data, 3)
    call = student.call("select_by_name", data, input_names, target_name)
    check_selection(call.unwrap(), data, input_names, target_name)
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(data):
        raise CheckFailed(
            "the caller's DataFrame was modified; return new tables and leave data as it is.",
            zh="调用者的 DataFrame 被修改了；请返回新的表，不要改动 data。",
        )
