import torch

from grader.judge import CheckFailed, describe_type, points

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


def letter_set(value, letters):
    if type(value) not in (set, frozenset):
        raise CheckFailed(
            f"SAME_ID_AFTER_UPDATE_ANSWER should be a set of letters, but it is {describe_type(value)}."
        )
    if not all(type(v) is str and v.strip().upper() in letters for v in value):
        raise CheckFailed(
            f"SAME_ID_AFTER_UPDATE_ANSWER should only hold letters among {', '.join(sorted(letters))}."
        )
    return {v.strip().upper() for v in value}


@points(2)
def test_answer(student):
    """exactly the statements that keep id(Y)"""
    answer = letter_set(student.value("SAME_ID_AFTER_UPDATE_ANSWER"), set(STATEMENTS))
    expected = {letter for letter, statement in STATEMENTS.items() if keeps_id(statement)}
    if answer != expected:
        raise CheckFailed("SAME_ID_AFTER_UPDATE_ANSWER is not the right set of statements.")
