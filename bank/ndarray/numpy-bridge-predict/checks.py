import pytest
import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

CODE = """
X = torch.arange(4.0)
A = X.numpy()
X.add_(1)
X = X * 10
A[0] = 100
B = torch.tensor(A)
A[1] = -1
"""


def actual_values():
    scope = {"torch": torch}
    exec(CODE, scope)
    return {name: [float(v) for v in scope[name].tolist()] for name in ("A", "X", "B")}


@points(1.5)
@pytest.mark.parametrize("name", ["A", "X", "B"])
def test_prediction(student, name):
    """the predicted final contents of A, X and B
    zh: 预测的 A、X 和 B 最后的内容"""
    variable = f"{name}_FINAL"
    value = student.value(variable)
    if type(value) not in (list, tuple) or len(value) != 4:
        raise CheckFailed(
            f"{variable} should be a list of four numbers, but it is {describe_type(value)}.",
            zh=f"{variable} 应当是由四个数组成的列表，但它是{describe_type_zh(value)}。",
        )
    if not all(type(v) in (int, float) for v in value):
        raise CheckFailed(
            f"every item of {variable} should be a number.", zh=f"{variable} 的每一项都应当是数。"
        )
    if [float(v) for v in value] != actual_values()[name]:
        raise CheckFailed(f"{variable} is not right.", zh=f"{variable} 不对。")
