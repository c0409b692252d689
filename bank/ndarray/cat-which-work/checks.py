import torch

from grader.judge import check_choice, choice_label, points

X, Y, Z = torch.ones(2, 3), torch.ones(2, 5), torch.ones(4, 3)
# option key (question.yaml `choices`) -> the call it shows
CALLS = {
    "xy0": ((X, Y), 0),
    "xy1": ((X, Y), 1),
    "xz0": ((X, Z), 0),
    "xz1": ((X, Z), 1),
    "xyz0": ((X, Y, Z), 0),
    "xzm2": ((X, Z), -2),
}


def works(tensors, dim):
    try:
        torch.cat(tensors, dim=dim)
    except RuntimeError:
        return False
    return True


@points(3)
def test_answer(student, variant):
    """CAT_WHICH_WORK_ANSWER holds the letters of the calls that run without an error
    zh: CAT_WHICH_WORK_ANSWER 包含能正常运行、不报错的那些调用的字母"""
    letters = {key: choice_label(variant, key) for key in CALLS}
    correct = {letters[key] for key, (tensors, dim) in CALLS.items() if works(tensors, dim)}
    check_choice(
        student.value("CAT_WHICH_WORK_ANSWER"),
        "CAT_WHICH_WORK_ANSWER",
        sorted(letters.values()),
        correct,
        sequences=True,
    )
