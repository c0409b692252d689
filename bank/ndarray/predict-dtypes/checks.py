import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

EXPRESSIONS = {
    "A": "torch.tensor([1, 2, 3])",
    "B": "torch.tensor([[1, 2], [3, 4.0]])",
    "C": "torch.full((2, 2), 7)",
    "D": "torch.arange(4) / 2",
    "E": "torch.arange(4) // 2",
    "F": "torch.ones(2, dtype=torch.float64) + torch.ones(2)",
    "G": "torch.ones(2, dtype=torch.int32) + 5",
    "H": "torch.exp(torch.arange(3))",
}


def check_group(student, letters):
    value = student.value("DTYPES")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            f"DTYPES should be a tuple of eight dtypes, one per expression, but it is "
            f"{describe_type(value)}.",
            zh=f"DTYPES 应当是由八个 dtype 组成的元组，每个表达式一个，但它是{describe_type_zh(value)}。",
        )
    for letter in letters:
        got = value[list(EXPRESSIONS).index(letter)]
        if type(got) is not torch.dtype:
            raise CheckFailed(
                f"entry {letter} of DTYPES should be a torch.dtype such as torch.float32, "
                f"not {describe_type(got)}.",
                zh=f"DTYPES 的第 {letter} 项应当是 torch.float32 这样的 torch.dtype，而不是 {describe_type_zh(got)}。",
            )
        if got != eval(EXPRESSIONS[letter], {"torch": torch}).dtype:
            raise CheckFailed(
                f"the dtype for {letter} is not right.", zh=f"{letter} 的 dtype 不对。"
            )


# One check per rule, so that a wrong rule costs the points of that rule.
@points(1.75)
def test_creation(student):
    """A to C: the dtype PyTorch picks when it creates a tensor
    zh: A 到 C：PyTorch 创建张量时选用的 dtype"""
    check_group(student, "ABC")


@points(1.75)
def test_integer_arithmetic(student):
    """D, E and H: division and functions applied to integer tensors
    zh: D、E 和 H：对整数张量做除法或调用函数"""
    check_group(student, "DEH")


@points(1.5)
def test_promotion(student):
    """F and G: combining two dtypes, or a tensor and a Python number
    zh: F 和 G：两种 dtype 一起运算，或张量与 Python 数一起运算"""
    check_group(student, "FG")
