import io
import math

import pandas as pd
import torch

from grader.judge import CheckFailed, check_close, points

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
    """FILLNA_MEAN_ERROR names what inputs.fillna(inputs.mean()) raises"""
    value = student.value("FILLNA_MEAN_ERROR")
    if type(value) is not str:
        raise CheckFailed('FILLNA_MEAN_ERROR should be a string such as "KeyError" or "no error".')
    if value.strip() != raised_by_line_1():
        raise CheckFailed(
            "FILLNA_MEAN_ERROR is not correct: run line 1 and read the exception's class."
        )


@points(1.5)
def test_numrooms_mean(student):
    """NUMROOMS_MEAN is the mean of the known NumRooms values"""
    value = student.value("NUMROOMS_MEAN")
    expected = float(book_inputs().mean(numeric_only=True)["NumRooms"])
    number = value.item() if type(value) is torch.Tensor and value.numel() == 1 else value
    if type(number) is float and not math.isfinite(number):  # check_close lets NaN through
        raise CheckFailed("NUMROOMS_MEAN is not correct: mean() gives a finite number here.")
    check_close(value, expected, "NUMROOMS_MEAN")
