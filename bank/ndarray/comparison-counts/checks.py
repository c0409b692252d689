import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])


def as_int(value):
    # Accept 0-d integer tensors such as (X == Y).sum() as well as ints.
    if type(value) is torch.Tensor and value.numel() == 1 and not value.is_floating_point():
        return int(value)
    return value


@points(1.5)
def test_counts(student):
    """COUNTS holds the numbers of True in X == Y, X < Y and X > Y
    zh: COUNTS 依次是 X == Y、X < Y 和 X > Y 中 True 的个数"""
    value = student.value("COUNTS")
    if type(value) not in (tuple, list) or len(value) != 3:
        raise CheckFailed(
            f"COUNTS should be a tuple of three ints, but it is {describe_type(value)}.",
            zh=f"COUNTS 应当是由三个整数组成的元组，但它是{describe_type_zh(value)}。",
        )
    expected = (int((X == Y).sum()), int((X < Y).sum()), int((X > Y).sum()))
    names = ("X == Y", "X < Y", "X > Y")
    for got, want, name in zip(value, expected, names):
        got = as_int(got)
        if type(got) is not int:
            raise CheckFailed(
                f"the count for {name} should be an int, but it is {describe_type(got)}.",
                zh=f"{name} 的计数应当是 int，但它是{describe_type_zh(got)}。",
            )
        if got != want:
            raise CheckFailed(f"the count for {name} is not right.", zh=f"{name} 的计数不对。")


def check_dtype(value, expected, name):
    if type(value) is not torch.dtype:
        raise CheckFailed(
            f"{name} should be a torch.dtype, but it is {describe_type(value)}.",
            zh=f"{name} 应当是 torch.dtype，但它是{describe_type_zh(value)}。",
        )
    if value != expected:
        raise CheckFailed(f"{name} is not right.", zh=f"{name} 不对。")


@points(1.5)
def test_dtypes(student):
    """MASK_DTYPE is the dtype of X == Y and SUM_DTYPE the dtype of (X > Y).sum()
    zh: MASK_DTYPE 是 X == Y 的 dtype，SUM_DTYPE 是 (X > Y).sum() 的 dtype"""
    check_dtype(student.value("MASK_DTYPE"), (X == Y).dtype, "MASK_DTYPE")
    check_dtype(student.value("SUM_DTYPE"), (X > Y).sum().dtype, "SUM_DTYPE")
