SLICE_WRITES_X_FINAL = [[-1, 1, -1, 0], [4, 5, 7, 0], [8, 9, 9, 0]]
