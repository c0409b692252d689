import torch

from grader.judge import CheckFailed, describe_type, points

OPTIONS = {
    "A": "b = a.reshape(3, 4)",
    "B": "b = a.view(4, 3)",
    "C": "b = a.reshape(3, 4).T",
    "D": "b = a.reshape(3, 4).T.reshape(12)",
    "E": "b = a[::2]",
    "F": "b = a.clone()",
    "G": "b = a.detach()",
}


def changes_a(statement):
    scope = {"torch": torch, "a": torch.arange(12)}
    exec(statement + "\nb[...] = -1", scope)
    return not torch.equal(scope["a"], torch.arange(12))


def letter_set(value, letters):
    if type(value) not in (set, frozenset):
        raise CheckFailed(
            f"WHICH_SHARE_MEMORY_ANSWER should be a set of letters, but it is {describe_type(value)}."
        )
    if not all(type(v) is str and v.strip().upper() in letters for v in value):
        raise CheckFailed(
            f"WHICH_SHARE_MEMORY_ANSWER should only hold letters among {', '.join(sorted(letters))}."
        )
    return {v.strip().upper() for v in value}


@points(2)
def test_answer(student):
    """exactly the options whose b shares memory with a"""
    answer = letter_set(student.value("WHICH_SHARE_MEMORY_ANSWER"), set(OPTIONS))
    expected = {letter for letter, statement in OPTIONS.items() if changes_a(statement)}
    if answer != expected:
        raise CheckFailed("WHICH_SHARE_MEMORY_ANSWER is not the right set of options.")
