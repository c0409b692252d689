from grader.judge import Text, check_choice, points

CORRECT = frozenset("ABDEG")


@points(4)
def test_answer(student):
    """TRANSPOSE_FACTS is the set of the letters of exactly the true statements
    zh: TRANSPOSE_FACTS 恰好是所有正确说法的字母集合"""
    check_choice(
        student.value("TRANSPOSE_FACTS"),
        "TRANSPOSE_FACTS",
        "ABCDEFGH",
        CORRECT,
        wrong=Text(
            "TRANSPOSE_FACTS is not correct: test each statement on random matrices, non-square where allowed.",
            zh="TRANSPOSE_FACTS 不正确：在随机矩阵上逐条验证每个说法，允许用非方阵的地方就用非方阵。",
        ),
    )
