ROW_SUM_DIVISION = ("RuntimeError", "RuntimeError", (3, 3), (4, 4))
