import torch

from grader.judge import check_choice, points

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
    """CAT_WHICH_WORK_ANSWER holds the letters of the calls that run without an error
    zh: CAT_WHICH_WORK_ANSWER 包含能正常运行、不报错的那些调用的字母"""
    correct = {letter for letter, (tensors, dim) in OPTIONS.items() if works(tensors, dim)}
    check_choice(
        student.value("CAT_WHICH_WORK_ANSWER"),
        "CAT_WHICH_WORK_ANSWER",
        OPTIONS,
        correct,
        sequences=True,
    )
