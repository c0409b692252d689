NORM_SHAPES = ((), (2,), (3, 4), (2,))
NORM_MEANING = "A"
