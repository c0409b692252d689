import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, check_tensor, points


def random_table(rng, n, with_bool=True):
    columns = {
        "Area": (torch.rand(n, generator=rng) * 100).double().tolist(),
        "Rooms": [int(v) for v in torch.randint(1, 6, (n,), generator=rng)],
    }
    if with_bool:
        slate = (torch.rand(n, generator=rng) < 0.5).tolist()
        columns["Roof_Slate"] = slate
        columns["Roof_nan"] = [not s for s in slate]
    inputs = pd.DataFrame(columns)
    targets = pd.Series(
        [int(v) for v in torch.randint(90_000, 250_000, (n,), generator=rng)], name="Price"
    )
    return inputs, targets


def check_pair(out, inputs, targets):
    if type(out) not in (tuple, list) or len(out) != 2:
        raise CheckFailed(
            "to_tensors(inputs, targets) should return a pair (X, y).",
            zh="to_tensors(inputs, targets) 应当返回一对 (X, y)。",
        )
    X = torch.tensor(inputs.to_numpy(dtype=float))
    y = torch.tensor(targets.to_numpy(dtype=float))
    check_tensor(out[0], X, "X", rtol=0, atol=0)
    check_tensor(out[1], y, "y", rtol=0, atol=0)


@points(1)
@pytest.mark.parametrize("n", [4, 7])
def test_bool_and_numeric_columns(student, rng, n):
    """X and y are float64 tensors of shapes (n, d) and (n,), bools as 0/1
    zh: X 和 y 是形状分别为 (n, d) 和 (n,) 的 float64 张量，bool 值变成 0/1"""
    inputs, targets = random_table(rng, n)
    check_pair(student.to_tensors(inputs, targets), inputs, targets)


@points(1)
def test_numeric_columns_only(student, rng):
    """a table with numeric columns only
    zh: 只有数值列的表"""
    inputs, targets = random_table(rng, 5, with_bool=False)
    check_pair(student.to_tensors(inputs, targets), inputs, targets)


@points(1)
def test_float32_targets(student, rng):
    """float32 targets become a float64 y too
    zh: float32 的 targets 也要变成 float64 的 y"""
    inputs, _ = random_table(rng, 6)
    values = (torch.randn(6, generator=rng) * 3).tolist()
    targets = pd.Series(values, name="y", dtype="float32")
    check_pair(student.to_tensors(inputs, targets), inputs, targets)
