import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

SNIPPETS = [
    "V = W\nV = V + 1",
    "V = W\nV += 1",
    "V = W\nV[0] = 5",
    "V = W.clone()\nV += 1",
]


def w_changed(snippet):
    scope = {"torch": torch, "W": torch.ones(3)}
    exec(snippet, scope)
    return not torch.equal(scope["W"], torch.ones(3))


@points(2)
def test_answer(student):
    """one correct boolean per snippet
    zh: 每段代码对应一个布尔值，而且都要对"""
    value = student.value("W_CHANGED")
    if type(value) not in (tuple, list) or len(value) != len(SNIPPETS):
        raise CheckFailed(
            f"W_CHANGED should be a tuple of four booleans, one per snippet, but it is "
            f"{describe_type(value)}.",
            zh=f"W_CHANGED 应当是由四个布尔值组成的元组，每段代码一个，但它是{describe_type_zh(value)}。",
        )
    if not all(type(v) is bool for v in value):
        raise CheckFailed(
            "every item of W_CHANGED should be True or False.",
            zh="W_CHANGED 的每一项都应当是 True 或 False。",
        )
    # Naming the wrong item would give the answer away: there are only two possible values.
    if tuple(value) != tuple(w_changed(s) for s in SNIPPETS):
        raise CheckFailed("W_CHANGED is not right.", zh="W_CHANGED 不对。")
