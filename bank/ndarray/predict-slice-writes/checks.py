import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

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


@points(4)
def test_final_x(student):
    """SLICE_WRITES_X_FINAL holds the values of X at the end (every line of the code counts)
    zh: SLICE_WRITES_X_FINAL 是代码运行完后 X 的值（每一行代码都要算上）"""
    value = student.value("SLICE_WRITES_X_FINAL")
    if type(value) is torch.Tensor:
        value = value.tolist()
    if (
        type(value) not in (list, tuple)
        or len(value) != 3
        or not all(type(r) in (list, tuple) and len(r) == 4 for r in value)
    ):
        raise CheckFailed(
            f"SLICE_WRITES_X_FINAL should be a list of 3 lists of 4 ints, not {describe_type(value)}.",
            zh=f"SLICE_WRITES_X_FINAL 应当是由 3 个列表组成的列表，每个列表有 4 个整数，而不是 {describe_type_zh(value)}。",
        )
    for row, (got, want) in enumerate(zip(value, final_x())):
        if not all(type(v) in (int, float) for v in got):
            raise CheckFailed(
                f"row {row} of SLICE_WRITES_X_FINAL should contain only numbers.",
                zh=f"SLICE_WRITES_X_FINAL 的第 {row} 行应当只包含数。",
            )
        if [float(v) for v in got] != [float(v) for v in want]:
            raise CheckFailed(
                f"row {row} of SLICE_WRITES_X_FINAL is not right.",
                zh=f"SLICE_WRITES_X_FINAL 的第 {row} 行不对。",
            )
