import numpy as np
import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, points
from grader.judge.frames import check_frame


def with_gaps(rng, values, share=0.4):
    """values with some entries replaced by NaN (never the first two; always the last)."""
    values = list(values)
    gaps = (torch.rand(len(values), generator=rng) < share).tolist()
    gaps[0], gaps[1], gaps[-1] = False, False, True
    return [np.nan if gap else v for v, gap in zip(values, gaps)]


def words(rng, options, n):
    picks = torch.randint(0, len(options), (n,), generator=rng).tolist()
    values = [options[i] for i in picks]
    values[: len(options)] = options  # every category appears at least once
    return values


def random_inputs(rng, n, alley_gaps=True):
    """Numbers with and without gaps, and two text columns; the zh book's kind of inputs."""
    alley = words(rng, ["Grvl", "Pave"], n)
    return pd.DataFrame(
        {
            "Area": with_gaps(rng, (torch.rand(n, generator=rng) * 200 + 20).tolist()),
            "RoofType": with_gaps(rng, words(rng, ["Slate", "Tile", "Pave"], n)),
            "Rooms": [int(v) for v in torch.randint(1, 7, (n,), generator=rng)],
            "Alley": with_gaps(rng, alley) if alley_gaps else alley,
            "Age": with_gaps(rng, (torch.randn(n, generator=rng) * 5 + 30).tolist()),
        }
    )


def expected(inputs):
    return pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)), dummy_na=True)


@points(1)
@pytest.mark.parametrize("n", [6, 9])
def test_random_tables(student, rng, n):
    """numbers imputed with their column means, text one-hot encoded with a _nan column
    zh: 数值用各列的均值插补，文本做独热编码并带一个 _nan 列"""
    inputs = random_inputs(rng, n)
    check_frame(student.impute_then_encode(inputs), expected(inputs), "impute_then_encode(inputs)")


@points(1)
def test_text_column_without_gaps(student, rng):
    """a text column without missing values still gets its _nan column
    zh: 没有缺失值的文本列也要有它的 _nan 列"""
    inputs = random_inputs(rng, 7, alley_gaps=False)
    check_frame(student.impute_then_encode(inputs), expected(inputs), "impute_then_encode(inputs)")


@points(1)
def test_inputs_unchanged(student, rng):
    """correct, and the caller's DataFrame keeps its missing values and text columns
    zh: 结果正确，且调用者的 DataFrame 仍保留它的缺失值和文本列"""
    inputs = random_inputs(rng, 6)
    call = student.call("impute_then_encode", inputs)
    check_frame(call.unwrap(), expected(inputs), "impute_then_encode(inputs)")
    after = call.args_after[0] if call.args_after else None
    if type(after) is not pd.DataFrame or not after.equals(inputs):
        raise CheckFailed(
            "the caller's DataFrame was modified; return a new DataFrame and leave inputs as it is.",
            zh="调用者的 DataFrame 被修改了；请返回一个新的 DataFrame，不要改动 inputs。",
        )
