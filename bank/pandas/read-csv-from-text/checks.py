import io

import pandas as pd
import pytest
import torch

from grader.judge import points
from grader.judge.frames import check_frame


def pick(rng, options, n):
    return [options[int(i)] for i in torch.randint(0, len(options), (n,), generator=rng)]


def house_csv(rng, n):
    """house_tiny.csv with random rows; NumRooms and RoofType have missing values."""
    rooms = [str(int(r)) for r in torch.randint(1, 7, (n,), generator=rng)]
    roofs = pick(rng, ["Slate", "Tile", "Pave"], n)
    prices = [str(int(p)) for p in torch.randint(90_000, 250_000, (n,), generator=rng)]
    missing_rooms = (torch.rand(n, generator=rng) < 0.4).tolist()
    missing_roofs = (torch.rand(n, generator=rng) < 0.4).tolist()
    missing_rooms[0], missing_rooms[1] = True, False  # NumRooms: some NaN, some numbers
    missing_roofs[-1] = False
    lines = ["NumRooms,RoofType,Price"]
    for i in range(n):
        lines.append(
            ",".join(
                [
                    "NA" if missing_rooms[i] else rooms[i],
                    "NA" if missing_roofs[i] else roofs[i],
                    prices[i],
                ]
            )
        )
    return "\n".join(lines) + "\n"


@points(0.5)
@pytest.mark.parametrize("n", [5, 8])
def test_house_data(student, rng, n):
    """columns, dtypes, NaN positions and values of house_tiny-like data
    zh: 类似 house_tiny 的数据：列、dtype、NaN 的位置和数值"""
    text = house_csv(rng, n)
    check_frame(student.read_csv_text(text), pd.read_csv(io.StringIO(text)), "read_csv_text(text)")


@points(1)
def test_other_columns(student, rng):
    """works for any columns, not only the book's three
    zh: 对任意的列都适用，不只是书中那三列"""
    n = 6
    ages = [str(int(a)) for a in torch.randint(18, 80, (n,), generator=rng)]
    cities = pick(rng, ["Paris", "Lima", "Oslo"], n)
    incomes = [f"{float(v):.2f}" for v in torch.rand(n, generator=rng) * 1000]
    lines = ["Age,City,Income,Owner"]
    for i in range(n):
        city = "NA" if i in (1, 4) else cities[i]
        income = "NA" if i == 2 else incomes[i]
        lines.append(",".join([ages[i], city, income, "yes" if i % 2 else "no"]))
    text = "\n".join(lines) + "\n"
    check_frame(student.read_csv_text(text), pd.read_csv(io.StringIO(text)), "read_csv_text(text)")
