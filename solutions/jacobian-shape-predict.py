JACOBIAN_SHAPES = ((4, 3), (2, 5, 3, 5))
