import torch

from grader.judge import CheckFailed, points


def truth():
    B = torch.arange(15.0).reshape(3, 5)
    C = B.T
    stride, contiguous, shared = C.stride(), C.is_contiguous(), C.data_ptr() == B.data_ptr()
    C[0, 1] = 100.0
    return (stride, contiguous, shared, B[1, 0].item(), C.contiguous().stride())


def same(got, expected):
    if type(expected) is bool:
        return type(got) is bool and got == expected
    if type(expected) is float:
        return type(got) in (int, float) and type(got) is not bool and got == expected
    if type(got) in (list, torch.Size):
        got = tuple(got)
    return type(got) is tuple and got == expected


def check_items(student, items):
    value = student.value("TRANSPOSE_VIEW")
    if type(value) not in (tuple, list) or len(value) != 5:
        raise CheckFailed(
            "TRANSPOSE_VIEW should be a tuple of five answers.",
            zh="TRANSPOSE_VIEW 应当是包含五个答案的元组。",
        )
    expected = truth()
    for index in items:
        if not same(value[index], expected[index]):
            raise CheckFailed(
                f"item {index + 1} of TRANSPOSE_VIEW is not right.",
                zh=f"TRANSPOSE_VIEW 的第 {index + 1} 项不对。",
            )


@points(2)
def test_memory(student):
    """items 3 and 4: does C share B's storage?
    zh: 第 3、4 项：C 是否和 B 共享存储？"""
    check_items(student, [2, 3])


@points(2)
def test_layout(student):
    """items 1, 2 and 5: how C is laid out in memory
    zh: 第 1、2、5 项：C 在内存中是怎样排布的"""
    check_items(student, [0, 1, 4])
