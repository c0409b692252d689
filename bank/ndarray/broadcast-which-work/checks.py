import torch

from grader.judge import CheckFailed, describe_type, points

OPTIONS = {
    "A": ((3, 1), (1, 4)),
    "B": ((2, 3), (3,)),
    "C": ((2, 3), (2,)),
    "D": ((4, 1, 3), (2, 1)),
    "E": ((5, 2), (2, 5)),
    "F": ((1,), (3, 3)),
    "G": ((2, 3, 4), (2, 3)),
}


def works(a, b):
    try:
        torch.ones(a) + torch.ones(b)
    except RuntimeError:
        return False
    return True


@points(3)
def test_answer(student):
    """BROADCAST_WHICH_WORK_ANSWER is the set of letters of the shape pairs that broadcast"""
    value = student.value("BROADCAST_WHICH_WORK_ANSWER")
    if type(value) not in (set, frozenset, list, tuple) or not all(type(v) is str for v in value):
        raise CheckFailed(
            f'BROADCAST_WHICH_WORK_ANSWER should be a set of letters such as {{"A", "E"}}, not {describe_type(value)}.'
        )
    answer = {v.strip().upper() for v in value}
    unknown = answer - set(OPTIONS)
    if unknown:
        raise CheckFailed(
            f"BROADCAST_WHICH_WORK_ANSWER contains letters that are not options: {sorted(unknown)}."
        )
    if answer != {letter for letter, (a, b) in OPTIONS.items() if works(a, b)}:
        raise CheckFailed("BROADCAST_WHICH_WORK_ANSWER is not correct.")
