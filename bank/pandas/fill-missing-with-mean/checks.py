import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame


def with_gaps(rng, values, share=0.4):
    """values with some entries replaced by NaN (never the first two nor all of them)."""
    values = list(values)
    gaps = (torch.rand(len(values), generator=rng) < share).tolist()
    gaps[0], gaps[1], gaps[-1] = False, False, True
    return [np.nan if gap else v for v, gap in zip(values, gaps)]


def random_inputs(rng, n, text_gaps=True):
    columns = {
        "Area": with_gaps(rng, (torch.rand(n, generator=rng) * 200 + 20).tolist()),
        "Rooms": [int(v) for v in torch.randint(1, 7, (n,), generator=rng)],
        "Age": with_gaps(rng, (torch.randn(n, generator=rng) * 5 + 30).tolist()),
    }
    picks = torch.randint(0, 3, (n,), generator=rng)
    roofs = [["Slate", "Tile", "Pave"][int(i)] for i in picks]
    columns["RoofType"] = with_gaps(rng, roofs) if text_gaps else roofs
    return pd.DataFrame(columns)


def expected(inputs, variant):
    """the means of the numeric columns, rounded as the variant asks, in place of their NaN"""
    means = inputs.mean(numeric_only=True)
    decimals = variant["rounding"][0]
    if decimals is not None:
        means = means.round(decimals)
    return inputs.fillna(means)


@points(1)
@pytest.mark.parametrize("n", [5, 8])
def test_with_a_text_column(student, rng, variant, n):
    """numeric NaN replaced by the column mean; the text column and its NaN kept
    zh: 数值列的 NaN 换成该列的均值；文本列及其中的 NaN 保持不变"""
    inputs = random_inputs(rng, n)
    check_frame(
        student.fill_missing_with_mean(inputs),
        expected(inputs, variant),
        "fill_missing_with_mean(inputs)",
    )


@points(1)
def test_text_column_without_gaps(student, rng, variant):
    """columns without missing values (integers, words) keep their values and dtypes
    zh: 没有缺失值的列（整数列、文本列）保持原来的值和 dtype"""
    inputs = random_inputs(rng, 6, text_gaps=False)
    check_frame(
        student.fill_missing_with_mean(inputs),
        expected(inputs, variant),
        "fill_missing_with_mean(inputs)",
    )


@points(1)
def test_inputs_unchanged(student, rng, variant):
    """correct, and the caller's DataFrame keeps its missing values
    zh: 结果正确，且调用者的 DataFrame 仍保留它的缺失值"""
    inputs = random_inputs(rng, 6)
    call = student.call("fill_missing_with_mean", inputs)
    check_frame(call.unwrap(), expected(inputs, variant), "fill_missing_with_mean(inputs)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(inputs):
        raise CheckFailed(
            "the caller's DataFrame was modified; return a new DataFrame and leave inputs as it is.",
            zh="调用者的 DataFrame 被修改了；请返回一个新的 DataFrame，不要改动 inputs。",
        )
