import io

import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points

WORDS = {
    "Roof": ["Slate", "Tile", "Pave"],
    "Alley": ["Grvl", "Pave"],
    "Heating": ["Gas", "Oil", "Wall", "Floor"],
}
TARGETS = ["Price", "SalePrice", "y", "Value"]


def gaps(rng, n, share):
    """Which rows miss a value: about `share` of them, never the first two."""
    missing = (torch.rand(n, generator=rng) < share).tolist()
    missing[0] = missing[1] = False
    if share > 0:
        missing[-1] = True
    return missing


def float_column(rng, n, share):
    values = (torch.rand(n, generator=rng) * 200 + 20).tolist()
    return ["NA" if m else f"{v:.2f}" for v, m in zip(values, gaps(rng, n, share), strict=True)]


def int_column(rng, n):
    return [str(int(v)) for v in torch.randint(1, 7, (n,), generator=rng)]


def text_column(rng, name, n, share):
    options = WORDS[name]
    picks = [options[int(i)] for i in torch.randint(0, len(options), (n,), generator=rng)]
    picks[: len(options)] = options  # every category appears at least once
    return ["NA" if m else w for w, m in zip(picks, gaps(rng, n, share), strict=True)]


def random_csv(rng, n, text_share=0.3):
    """A CSV table: numeric and text inputs in a shuffled order, an integer target last."""
    columns = {
        "Area": float_column(rng, n, 0.3),
        "Rooms": int_column(rng, n),
        "Roof": text_column(rng, "Roof", n, text_share),
        "Age": float_column(rng, n, 0.3),
        "Alley": text_column(rng, "Alley", n, 0.0),
    }
    if int(torch.randint(0, 2, (1,), generator=rng)):
        columns["Heating"] = text_column(rng, "Heating", n, text_share)
    names = list(columns)
    names = [names[i] for i in torch.randperm(len(names), generator=rng).tolist()]
    target = TARGETS[int(torch.randint(0, len(TARGETS), (1,), generator=rng))]
    prices = [str(int(p)) for p in torch.randint(90_000, 250_000, (n,), generator=rng)]
    lines = [",".join([*names, target])]
    for i in range(n):
        lines.append(",".join([*(columns[c][i] for c in names), prices[i]]))
    return "\n".join(lines) + "\n"


def expected(text):
    data = pd.read_csv(io.StringIO(text))
    inputs, targets = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)), dummy_na=True)
    X = torch.tensor(inputs.to_numpy(dtype=float), dtype=torch.float32)
    y = torch.tensor(targets.to_numpy(dtype=float), dtype=torch.float32)
    return X, y


def check_pair(out, text):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "preprocess(text) should return a pair (X, y).",
            zh="preprocess(text) 应当返回一对 (X, y)。",
        )
    X, y = expected(text)
    check_tensor(out[0], X, "X")
    check_tensor(out[1], y, "y")


@points(1.5)
@pytest.mark.parametrize("n", [6, 8, 11])
def test_random_tables(student, rng, n):
    """X: imputed numbers, then dummies with a _nan column per text column; y: the last column
    zh: X：先是插补后的数值列，再是哑变量列（每个文本列各带一个 _nan 列）；y：最后一列"""
    text = random_csv(rng, n)
    check_pair(student.preprocess(text), text)


@points(1.5)
def test_no_missing_text(student, rng):
    """text columns without any missing value still get their _nan columns
    zh: 没有任何缺失值的文本列也要有各自的 _nan 列"""
    text = random_csv(rng, 7, text_share=0.0)
    check_pair(student.preprocess(text), text)
