TRANSPOSE_FACTS = {"A", "B", "D", "E", "G"}
