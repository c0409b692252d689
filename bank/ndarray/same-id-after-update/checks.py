import torch

from grader.judge import Text, check_choice, points

STATEMENTS = {
    "A": "Y = Y + X",
    "B": "Y += X",
    "C": "Y[:] = Y + X",
    "D": "Y.add_(X)",
    "E": "Y = Y.add(X)",
}


def keeps_id(statement):
    scope = {"torch": torch, "X": torch.ones(2, 3), "Y": torch.zeros(2, 3)}
    before = scope["Y"]
    exec(statement, scope)
    return scope["Y"] is before


@points(2)
def test_answer(student):
    """exactly the statements that keep id(Y)
    zh: 恰好是那些让 id(Y) 保持不变的语句"""
    expected = {letter for letter, statement in STATEMENTS.items() if keeps_id(statement)}
    check_choice(
        student.value("SAME_ID_AFTER_UPDATE_ANSWER"),
        "SAME_ID_AFTER_UPDATE_ANSWER",
        STATEMENTS,
        expected,
        sequences=True,
        wrong=Text(
            "SAME_ID_AFTER_UPDATE_ANSWER is not the right set of statements.",
            zh="SAME_ID_AFTER_UPDATE_ANSWER 选的语句不对。",
        ),
    )
