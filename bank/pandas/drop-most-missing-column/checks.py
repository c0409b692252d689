import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame


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


@points(1)
@pytest.mark.parametrize("counts", [(1, 4, 0, 2), (3, 0, 5, 1, 2)])
def test_one_worst_column(student, rng, counts):
    """drops only the column with the most missing values
    zh: 只删除缺失值最多的那一列"""
    data = table_with_gaps(rng, 7, counts)
    check_frame(student.drop_most_missing(data), expected(data), "drop_most_missing(data)")


@points(1)
def test_tie(student, rng):
    """on a tie, drops the leftmost of the tied columns (and keeps row labels)
    zh: 缺失值个数相同时，删除其中最靠左的一列（并保留行标签）"""
    data = table_with_gaps(rng, 6, (2, 3, 1, 3))
    data.index = [5, 6, 7, 8, 9, 10]
    check_frame(student.drop_most_missing(data), expected(data), "drop_most_missing(data)")


@points(1)
def test_data_unchanged(student, rng):
    """correct (with a tie again), and the caller's DataFrame keeps all its columns
    zh: 结果正确（同样有并列），且调用者的 DataFrame 保留全部列"""
    data = table_with_gaps(rng, 5, (0, 3, 1, 3))
    call = student.call("drop_most_missing", data)
    check_frame(call.unwrap(), expected(data), "drop_most_missing(data)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(data):
        raise CheckFailed(
            "the caller's DataFrame was modified; return a new DataFrame and leave data as it is.",
            zh="调用者的 DataFrame 被修改了；请返回一个新的 DataFrame，不要改动 data。",
        )
