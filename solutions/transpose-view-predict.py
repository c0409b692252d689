TRANSPOSE_VIEW = ((1, 5), False, True, 100.0, (3, 1))
