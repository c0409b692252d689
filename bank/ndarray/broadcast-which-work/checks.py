import torch

from grader.judge import check_choice, points

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


@points(4)
def test_answer(student):
    """BROADCAST_WHICH_WORK_ANSWER holds the letters of the shape pairs that broadcast
    zh: BROADCAST_WHICH_WORK_ANSWER 包含能广播的那些形状对的字母"""
    correct = {letter for letter, (a, b) in OPTIONS.items() if works(a, b)}
    check_choice(
        student.value("BROADCAST_WHICH_WORK_ANSWER"),
        "BROADCAST_WHICH_WORK_ANSWER",
        OPTIONS,
        correct,
        sequences=True,
    )
