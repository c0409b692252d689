from grader.judge import check_choice, points

CORRECT = frozenset("ABDEG")


@points(4)
def test_answer(student):
    """TRANSPOSE_FACTS is the set of the letters of exactly the true statements"""
    check_choice(
        student.value("TRANSPOSE_FACTS"),
        "TRANSPOSE_FACTS",
        "ABCDEFGH",
        CORRECT,
        wrong="TRANSPOSE_FACTS is not correct: test each statement on random matrices, non-square where allowed.",
    )
