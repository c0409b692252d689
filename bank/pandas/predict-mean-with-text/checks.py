import io

import pandas as pd

from grader.judge import check_answer, points

BOOK_CSV = "NumRooms,RoofType,Price\nNA,NA,127500\n2,NA,106000\n4,Slate,178100\nNA,NA,140000\n"


def book_inputs():
    return pd.read_csv(io.StringIO(BOOK_CSV)).iloc[:, 0:2]


def raised_by_line_1():
    inputs = book_inputs()
    try:
        inputs.fillna(inputs.mean())
    except Exception as exc:
        return type(exc).__name__
    return "no error"


@points(1.5)
def test_prediction(student):
    """FILLNA_MEAN_ERROR names what line 1 raises (or says "no error")
    zh: FILLNA_MEAN_ERROR：第 1 行抛出的异常的名字（不出错则为 "no error"）"""
    check_answer(student.value("FILLNA_MEAN_ERROR"), raised_by_line_1(), "FILLNA_MEAN_ERROR")


@points(1.5)
def test_numrooms_mean(student):
    """NUMROOMS_MEAN is the value of means["NumRooms"] after line 2
    zh: NUMROOMS_MEAN：第 2 行执行后 means["NumRooms"] 的值"""
    expected = float(book_inputs().mean(numeric_only=True)["NumRooms"])
    check_answer(student.value("NUMROOMS_MEAN"), expected, "NUMROOMS_MEAN")
