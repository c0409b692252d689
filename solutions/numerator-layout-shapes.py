NUMERATOR_SHAPES = ((1, 5), (4, 3), (2, 4), (2, 3))
CHAIN_ORDERS = ("A", "B")
