TRUE_GRADIENT_RULES = {"A", "C", "E", "G"}
