PRODUCTS_THAT_RUN = {"A", "C", "E", "H"}
SHAPE_OF_H = (4, 2)
