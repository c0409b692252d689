import ast

import pandas as pd

from grader.judge import check_answer, points


def book_dummies(variant, dummy_na):
    """get_dummies of the inputs the student was given (the book's, or its variant's RoofType)."""
    roof = ast.literal_eval(variant["roof"][0])
    inputs = pd.DataFrame({"NumRooms": [None, 2.0, 4.0, None], "RoofType": roof})
    return pd.get_dummies(inputs, dummy_na=dummy_na)


@points(1)
def test_columns(student, variant):
    """DUMMY_COLUMNS: the column names of get_dummies(inputs, dummy_na=True), in order
    zh: DUMMY_COLUMNS：get_dummies(inputs, dummy_na=True) 的列名，按顺序"""
    expected = [str(c) for c in book_dummies(variant, True).columns]
    check_answer(student.value("DUMMY_COLUMNS"), expected, "DUMMY_COLUMNS")


@points(1)
def test_dtype(student, variant):
    """DUMMY_DTYPE: the dtype of a dummy column, as a string
    zh: DUMMY_DTYPE：哑变量列的 dtype，写成字符串"""
    expected = str(book_dummies(variant, True)["RoofType_Slate"].dtype)
    check_answer(student.value("DUMMY_DTYPE"), expected, "DUMMY_DTYPE")


@points(1)
def test_columns_without_na(student, variant):
    """N_COLUMNS_WITHOUT_NA: the number of columns with dummy_na=False
    zh: N_COLUMNS_WITHOUT_NA：dummy_na=False 时的列数"""
    check_answer(
        student.value("N_COLUMNS_WITHOUT_NA"),
        book_dummies(variant, False).shape[1],
        "N_COLUMNS_WITHOUT_NA",
    )
