import pytest
import torch

from grader.judge import CheckFailed, describe_type, points

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


@points(0.5)
@pytest.mark.parametrize("letter", list(EXPRESSIONS))
def test_dtype(student, letter):
    """the dtype of the result of this expression"""
    value = student.value("DTYPES")
    if type(value) not in (tuple, list) or len(value) != len(EXPRESSIONS):
        raise CheckFailed(
            f"DTYPES should be a tuple of {len(EXPRESSIONS)} dtypes, not {describe_type(value)}."
        )
    got = value[list(EXPRESSIONS).index(letter)]
    if type(got) is not torch.dtype:
        raise CheckFailed(
            f"entry {letter} of DTYPES should be a torch.dtype such as torch.float32, "
            f"not {describe_type(got)}."
        )
    if got != eval(EXPRESSIONS[letter], {"torch": torch}).dtype:
        raise CheckFailed(f"the dtype for {letter} is not correct.")
