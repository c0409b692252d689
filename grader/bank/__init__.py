"""The question bank as data: the model (questions, assignments, topics) and its loader."""
