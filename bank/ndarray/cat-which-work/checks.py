import torch

from grader.judge import CheckFailed, describe_type, points

X, Y, Z = torch.ones(2, 3), torch.ones(2, 5), torch.ones(4, 3)
OPTIONS = {
    "A": ((X, Y), 0),
    "B": ((X, Y), 1),
    "C": ((X, Z), 0),
    "D": ((X, Z), 1),
    "E": ((X, Y, Z), 0),
    "F": ((X, Z), -2),
}


def works(tensors, dim):
    try:
        torch.cat(tensors, dim=dim)
    except RuntimeError:
        return False
    return True


@points(3)
def test_answer(student):
    """CAT_WHICH_WORK_ANSWER is the set of letters of the calls that run without an error"""
    value = student.value("CAT_WHICH_WORK_ANSWER")
    if type(value) not in (set, frozenset, list, tuple) or not all(type(v) is str for v in value):
        raise CheckFailed(
            f'CAT_WHICH_WORK_ANSWER should be a set of letters such as {{"A", "E"}}, not {describe_type(value)}.'
        )
    answer = {v.strip().upper() for v in value}
    unknown = answer - set(OPTIONS)
    if unknown:
        raise CheckFailed(
            f"CAT_WHICH_WORK_ANSWER contains letters that are not options: {sorted(unknown)}."
        )
    if answer != {letter for letter, (tensors, dim) in OPTIONS.items() if works(tensors, dim)}:
        raise CheckFailed("CAT_WHICH_WORK_ANSWER is not correct.")
