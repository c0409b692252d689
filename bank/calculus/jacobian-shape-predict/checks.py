import pytest
import torch
from torch.autograd.functional import jacobian

from grader.judge import CheckFailed, points


def expected_shapes(variant):
    # The prompt's code with the variant's shapes; only the shapes matter, so zeros will do.
    a, b, c = variant["XW"]
    A, x = torch.zeros(variant["A"]), torch.zeros(variant["A"][1])
    X, W = torch.zeros(a, b), torch.zeros(b, c)
    J1 = jacobian(lambda x: A @ x, x)
    J2 = jacobian(lambda W: X @ W, W)
    return tuple(J1.shape), tuple(J2.shape)


def predicted(student):
    value = student.value("JACOBIAN_SHAPES")
    if type(value) not in (tuple, list) or len(value) != 2:
        raise CheckFailed(
            "JACOBIAN_SHAPES should be a pair of shapes.", zh="JACOBIAN_SHAPES 应当是一对形状。"
        )
    return [tuple(s) if type(s) in (torch.Size, list) else s for s in value]


@points(2)
@pytest.mark.parametrize("index", [0, 1], ids=["J1", "J2"])
def test_shape(student, variant, index):
    """the shape torch.autograd.functional.jacobian returns
    zh: torch.autograd.functional.jacobian 返回的形状"""
    if predicted(student)[index] != expected_shapes(variant)[index]:
        raise CheckFailed(
            f"item {index + 1} of JACOBIAN_SHAPES is not right.",
            zh=f"JACOBIAN_SHAPES 的第 {index + 1} 项不对。",
        )
