import torch

from grader.judge import CheckFailed, describe_type, describe_type_zh, points

x = torch.arange(12)
X = x.reshape(3, 4)
ELEMENTS = {
    "A": lambda: X[0, 3],
    "B": lambda: X[1, 2],
    "C": lambda: x.reshape(2, 3, 2)[1, 0, 1],
    "D": lambda: X.T[1, 2],
}


def flat_index(element):
    # x[i] == i, so the value of the element is its index in x.
    return int(element())


def check_items(student, letters):
    value = student.value("FLAT_INDICES")
    if type(value) not in (tuple, list) or len(value) != len(ELEMENTS):
        raise CheckFailed(
            f"FLAT_INDICES should be a tuple of four ints, one per element, but it is "
            f"{describe_type(value)}.",
            zh=f"FLAT_INDICES 应当是由四个整数组成的元组，每个元素一个，但它是{describe_type_zh(value)}。",
        )
    for letter in letters:
        got = value[list(ELEMENTS).index(letter)]
        if type(got) is not int:
            raise CheckFailed(
                f"item {letter} of FLAT_INDICES should be an int, not {describe_type(got)}.",
                zh=f"FLAT_INDICES 的第 {letter} 项应当是 int，而不是 {describe_type_zh(got)}。",
            )
        if got != flat_index(ELEMENTS[letter]):
            raise CheckFailed(
                f"item {letter} of FLAT_INDICES is not right.",
                zh=f"FLAT_INDICES 的第 {letter} 项不对。",
            )


@points(2)
def test_row_major(student):
    """A to C: where reshape puts the elements
    zh: A 到 C：reshape 把元素放到哪里"""
    check_items(student, "ABC")


@points(1)
def test_transpose(student):
    """D: indexing the transpose
    zh: D：对转置做索引"""
    check_items(student, "D")
