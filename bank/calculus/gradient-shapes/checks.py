import torch

from grader.judge import CheckFailed, points


def expected(variant):
    """The four shapes in d2l's denominator layout: a gradient of a scalar has the shape of
    the variable; ∇ₓy for x ∈ ℝⁿ and y ∈ ℝᵐ is n × m."""
    n = variant["x1"][0]
    m2, n2 = variant["A2"][:2]  # y = A x: x ∈ ℝ^n2, y ∈ ℝ^m2
    p3, q3 = variant["A3"][:2]  # y = xᵀA: x ∈ ℝ^p3, y ∈ ℝ^q3
    return [(n,), (n2, m2), (p3, q3), tuple(variant["X4"])]


def shapes(student):
    value = student.value("GRAD_SHAPES")
    if type(value) not in (tuple, list) or len(value) != 4:
        raise CheckFailed(
            "GRAD_SHAPES should be a tuple of four shapes.",
            zh="GRAD_SHAPES 应当是包含四个形状的元组。",
        )
    # torch.Size and lists of ints are accepted as shapes.
    return [tuple(s) if type(s) in (torch.Size, list) else s for s in value]


def check_items(student, variant, items):
    got, wanted = shapes(student), expected(variant)
    for index in items:
        if got[index] != wanted[index]:
            raise CheckFailed(
                f"item {index + 1} of GRAD_SHAPES is not right.",
                zh=f"GRAD_SHAPES 的第 {index + 1} 项不对。",
            )


@points(2)
def test_gradients_of_scalars(student, variant):
    """items 1 and 4: the gradient of a scalar has the shape of the variable
    zh: 第 1、4 项：标量的梯度和变量形状相同"""
    check_items(student, variant, [0, 3])


@points(2)
def test_gradients_of_vectors(student, variant):
    """items 2 and 3: d2l's layout for the derivative of a vector by a vector
    zh: 第 2、3 项：向量对向量求导时 d2l 用的布局"""
    check_items(student, variant, [1, 2])
