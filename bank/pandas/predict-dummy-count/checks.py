import ast

import pandas as pd

from grader.judge import check_answer, points


def houses(variant):
    """the table the student was given (its Roof column drawn with the variant)"""
    return pd.DataFrame(
        {
            "Area": [120.5, None, 88.0, 95.25, 70.0],
            "Roof": ast.literal_eval(variant["roof"][0]),
            "Alley": ["Grvl", "Pave", "Pave", "Grvl", "Pave"],
        }
    )


@points(1)
def test_plain_columns(student, variant):
    """N_PLAIN: the number of columns of pd.get_dummies(houses)
    zh: N_PLAIN：pd.get_dummies(houses) 的列数"""
    check_answer(student.value("N_PLAIN"), pd.get_dummies(houses(variant)).shape[1], "N_PLAIN")


@points(1)
def test_columns_with_na(student, variant):
    """N_WITH_NA: the number of columns with dummy_na=True
    zh: N_WITH_NA：dummy_na=True 时的列数"""
    expected = pd.get_dummies(houses(variant), dummy_na=True).shape[1]
    check_answer(student.value("N_WITH_NA"), expected, "N_WITH_NA")


@points(1)
def test_all_false_rows(student, variant):
    """ALL_FALSE_ROWS: rows of plain whose Roof_ columns are all False
    zh: ALL_FALSE_ROWS：plain 中 Roof_ 列全为 False 的行数"""
    plain = pd.get_dummies(houses(variant))
    roof = plain[[c for c in plain.columns if c.startswith("Roof_")]]
    expected = int((~roof.any(axis=1)).sum())
    check_answer(student.value("ALL_FALSE_ROWS"), expected, "ALL_FALSE_ROWS")
