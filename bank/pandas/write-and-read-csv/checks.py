import io
import os
import shutil
import tempfile
import uuid

import pandas as pd
import pytest
import torch

from grader.judge import Text, points
from grader.judge.frames import check_frame


def pick(rng, options, n):
    return [options[int(i)] for i in torch.randint(0, len(options), (n,), generator=rng)]


def house_csv(rng, n):
    """house_tiny.csv with random rows; NumRooms and RoofType have missing values."""
    rooms = [str(int(r)) for r in torch.randint(1, 7, (n,), generator=rng)]
    roofs = pick(rng, ["Slate", "Tile", "Pave"], n)
    prices = [str(int(p)) for p in torch.randint(90_000, 250_000, (n,), generator=rng)]
    lines = ["NumRooms,RoofType,Price"]
    for i in range(n):
        room = "NA" if i % 3 == 0 else rooms[i]
        roof = "NA" if i % 2 == 0 else roofs[i]
        lines.append(f"{room},{roof},{prices[i]}")
    return "\n".join(lines) + "\n"


def other_csv(rng, n):
    """A table with other columns: ages, cities with gaps, incomes."""
    ages = [str(int(a)) for a in torch.randint(18, 80, (n,), generator=rng)]
    cities = pick(rng, ["Paris", "Lima", "Oslo"], n)
    incomes = [f"{float(v):.2f}" for v in torch.rand(n, generator=rng) * 1000]
    lines = ["Age,City,Income"]
    for i in range(n):
        lines.append(f"{ages[i]},{'NA' if i == 1 else cities[i]},{incomes[i]}")
    return "\n".join(lines) + "\n"


def fresh_folder():
    """A new nested folder name (unique, so that runs never share a file; the grade does not
    depend on it), and the top folder to tidy up when the checks run in the grader's process."""
    top = f"d2l-check-{uuid.uuid4().hex[:12]}"
    return f"{top}/data", top


@points(1.5)
@pytest.mark.parametrize("first, second", [(5, 3), (7, 4)])
def test_written_then_rewritten(student, rng, first, second):
    """a new (nested) folder, then the same folder again with another table: each is read back
    zh: 先写入一个新的（嵌套的）文件夹，再把另一个表写入同一个文件夹：每次都能读回来"""
    folder, top = fresh_folder()
    try:
        text = house_csv(rng, first)
        out = student.save_and_load(folder, text)
        check_frame(
            out,
            pd.read_csv(io.StringIO(text)),
            Text("the first call's table", zh="第一次调用返回的表"),
        )
        text = other_csv(rng, second)
        out = student.save_and_load(folder, text)
        check_frame(
            out,
            pd.read_csv(io.StringIO(text)),
            Text("the second call's table", zh="第二次调用返回的表"),
        )
    finally:
        shutil.rmtree(os.path.join(tempfile.gettempdir(), top), ignore_errors=True)
