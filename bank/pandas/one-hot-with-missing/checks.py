import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame


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


@points(0.5)
@pytest.mark.parametrize("n", [6, 9])
def test_dummies(student, rng, n):
    """bool dummy columns C_<category> and C_nan, numeric columns first and unchanged
    zh: bool 类型的哑变量列 C_<类别> 和 C_nan，数值列排在前面且保持不变"""
    inputs = random_inputs(rng, n)
    check_frame(
        student.one_hot_with_na(inputs),
        pd.get_dummies(inputs, dummy_na=True),
        "one_hot_with_na(inputs)",
    )


@points(0.5)
def test_one_text_column(student, rng):
    """a table with a single text column that has no missing value
    zh: 只有一个文本列、且该列没有缺失值的表"""
    inputs = pd.DataFrame({"Color": words(rng, ["red", "blue", "green"], 7, 0.0)})
    check_frame(
        student.one_hot_with_na(inputs),
        pd.get_dummies(inputs, dummy_na=True),
        "one_hot_with_na(inputs)",
    )


@points(0.5)
def test_inputs_unchanged(student, rng):
    """correct, and the caller's DataFrame is left as it was
    zh: 结果正确，且调用者的 DataFrame 保持原样"""
    inputs = random_inputs(rng, 5)
    call = student.call("one_hot_with_na", inputs)
    check_frame(call.unwrap(), pd.get_dummies(inputs, dummy_na=True), "one_hot_with_na(inputs)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(inputs):
        raise CheckFailed(
            "the caller's DataFrame was modified; leave inputs as it is.",
            zh="调用者的 DataFrame 被修改了；不要改动 inputs。",
        )
