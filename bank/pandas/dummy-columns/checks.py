import pandas as pd

from grader.judge import CheckFailed, check_equal, points


def book_inputs():
    return pd.DataFrame(
        {"NumRooms": [None, 2.0, 4.0, None], "RoofType": [None, None, "Slate", None]}
    )


@points(1)
def test_columns(student):
    """DUMMY_COLUMNS lists the columns of get_dummies(inputs, dummy_na=True) in order"""
    value = student.value("DUMMY_COLUMNS")
    if type(value) is tuple:
        value = list(value)
    expected = [str(c) for c in pd.get_dummies(book_inputs(), dummy_na=True).columns]
    check_equal(value, expected, "DUMMY_COLUMNS")


@points(1)
def test_dtype(student):
    """DUMMY_DTYPE is the dtype of the dummy columns, as a string"""
    value = student.value("DUMMY_DTYPE")
    if type(value) is not str:
        raise CheckFailed("DUMMY_DTYPE should be a string, as str(column.dtype) gives.")
    expected = str(pd.get_dummies(book_inputs(), dummy_na=True)["RoofType_Slate"].dtype)
    check_equal(value.strip(), expected, "DUMMY_DTYPE")


@points(1)
def test_columns_without_na(student):
    """N_COLUMNS_WITHOUT_NA is the number of columns with dummy_na=False"""
    value = student.value("N_COLUMNS_WITHOUT_NA")
    if type(value) is not int:
        raise CheckFailed("N_COLUMNS_WITHOUT_NA should be an int.")
    check_equal(value, pd.get_dummies(book_inputs()).shape[1], "N_COLUMNS_WITHOUT_NA")
