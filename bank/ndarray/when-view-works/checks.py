import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

TENSORS = ["M", "M.T", "M[:, 1:3]", "M[1:3]", "M.T.contiguous()"]


def view_works(expression):
    t = eval(expression, {"M": torch.arange(12).reshape(3, 4)})
    try:
        t.view(-1)
    except RuntimeError:
        return False
    return True


@points(4)
def test_answer(student):
    """one correct boolean per tensor
    zh: 每个张量对应一个布尔值，而且都要对"""
    value = student.value("VIEW_WORKS")
    if type(value) not in (tuple, list) or len(value) != len(TENSORS):
        raise CheckFailed(
            f"VIEW_WORKS should be a tuple of five booleans, one per tensor, but it is "
            f"{describe_type(value)}.",
            zh=f"VIEW_WORKS 应当是由五个布尔值组成的元组，每个张量一个，但它是{describe_type_zh(value)}。",
        )
    if not all(type(v) is bool for v in value):
        raise CheckFailed(
            "every item of VIEW_WORKS should be True or False.",
            zh="VIEW_WORKS 的每一项都应当是 True 或 False。",
        )
    # Naming the wrong item would give the answer away: there are only two possible values.
    if tuple(value) != tuple(view_works(e) for e in TENSORS):
        raise CheckFailed("VIEW_WORKS is not right.", zh="VIEW_WORKS 不对。")
