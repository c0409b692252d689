import torch

from grader.judge import Text, check_choice, points

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


@points(4)
def test_answer(student):
    """exactly the options whose b shares memory with a
    zh: 恰好是那些 b 与 a 共享内存的选项"""
    expected = {letter for letter, statement in OPTIONS.items() if changes_a(statement)}
    check_choice(
        student.value("WHICH_SHARE_MEMORY_ANSWER"),
        "WHICH_SHARE_MEMORY_ANSWER",
        OPTIONS,
        expected,
        sequences=True,
        wrong=Text(
            "WHICH_SHARE_MEMORY_ANSWER is not the right set of options.",
            zh="WHICH_SHARE_MEMORY_ANSWER 选的选项不对。",
        ),
    )
