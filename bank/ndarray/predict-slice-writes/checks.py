import pytest
import torch

from grader.judge import CheckFailed, describe_type, points

CODE = """
X = torch.arange(12).reshape(3, 4)
X[1, 2] = 100
X[0, ::2] = -1
X[:, -1] = 0
X[2][1:3] = 9
X[[0, 2]][:, 0] = 50
X[X > 50] = 7
"""


def final_x():
    names = {"torch": torch}
    exec(CODE, names)
    return names["X"].tolist()


@points(1)
@pytest.mark.parametrize("row", [0, 1, 2])
def test_row(student, row):
    """this row of SLICE_WRITES_X_FINAL holds the values of that row of X at the end"""
    value = student.value("SLICE_WRITES_X_FINAL")
    if type(value) is torch.Tensor:
        value = value.tolist()
    if (
        type(value) not in (list, tuple)
        or len(value) != 3
        or not all(type(r) in (list, tuple) and len(r) == 4 for r in value)
    ):
        raise CheckFailed(
            f"SLICE_WRITES_X_FINAL should be a list of 3 lists of 4 ints, not {describe_type(value)}."
        )
    got = value[row]
    if not all(type(v) in (int, float) for v in got):
        raise CheckFailed(f"row {row} of SLICE_WRITES_X_FINAL should contain only numbers.")
    if [float(v) for v in got] != [float(v) for v in final_x()[row]]:
        raise CheckFailed(f"row {row} of SLICE_WRITES_X_FINAL is not correct.")
