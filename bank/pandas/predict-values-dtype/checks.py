import pandas as pd
import pytest
import torch

from grader.judge import CheckFailed, Text, check_answer, points


def table():
    return pd.DataFrame({"Area": [120.5, 88.0], "Rooms": [3, 2], "Slate": [True, False]})


def values_dtypes():
    t = table()
    arrays = (t[["Area", "Rooms"]].values, t[["Rooms", "Slate"]].values, t.values)
    return tuple(str(a.dtype) for a in arrays)


def raised_by_line_4():
    try:
        torch.tensor(table().values)
    except Exception as exc:
        return type(exc).__name__
    return "no error"


@points(1)
@pytest.mark.parametrize("line", [1, 2, 3])
def test_values_dtype(student, line):
    """VALUES_DTYPES: the dtype of the array that each of lines 1-3 gives
    zh: VALUES_DTYPES：第 1–3 行各自得到的数组的 dtype"""
    value = student.value("VALUES_DTYPES")
    if type(value) not in (tuple, list) or len(value) != 3:
        raise CheckFailed(
            "VALUES_DTYPES should be a tuple of three strings, one per line.",
            zh="VALUES_DTYPES 应当是由三个字符串组成的元组，每行一个。",
        )
    check_answer(
        value[line - 1],
        values_dtypes()[line - 1],
        Text(f"item {line} of VALUES_DTYPES", zh=f"VALUES_DTYPES 的第 {line} 项"),
    )


@points(1)
def test_tensor_error(student):
    """TENSOR_ERROR names what line 4 raises (or says "no error")
    zh: TENSOR_ERROR：第 4 行抛出的异常的名字（不出错则为 "no error"）"""
    check_answer(student.value("TENSOR_ERROR"), raised_by_line_4(), "TENSOR_ERROR")


@points(1)
def test_tensor_dtype(student):
    """TENSOR_DTYPE: the dtype of Z, as str(Z.dtype) gives it
    zh: TENSOR_DTYPE：Z 的 dtype，写成 str(Z.dtype) 给出的字符串"""
    expected = str(torch.tensor(table().to_numpy(dtype=float)).dtype)
    check_answer(student.value("TENSOR_DTYPE"), expected, "TENSOR_DTYPE")
