from grader.judge import CheckFailed, points

CORRECT = frozenset("ABDEG")


@points(3)
def test_answer(student):
    """TRANSPOSE_FACTS is the set of the letters of exactly the true statements"""
    value = student.value("TRANSPOSE_FACTS")
    if type(value) not in (set, frozenset) or not all(type(v) is str for v in value):
        raise CheckFailed('TRANSPOSE_FACTS should be a set of letters, for example {"A", "C"}.')
    letters = {v.strip().upper() for v in value}
    if not letters <= set("ABCDEFGH"):
        raise CheckFailed("TRANSPOSE_FACTS should only contain the letters A to H.")
    if letters != CORRECT:
        raise CheckFailed(
            "TRANSPOSE_FACTS is not correct: test each statement on random matrices, non-square where allowed."
        )
