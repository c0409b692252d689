import pytest
import torch

from grader.judge import CheckFailed, Text, check_unchanged, describe_type, describe_type_zh, points

NAMES = ("X == Y", "X < Y", "X > Y")


def expected(X, Y):
    return int((X == Y).sum()), int((X < Y).sum()), int((X > Y).sum())


def check_counts(call, X, Y, what):
    out = call.unwrap()
    if type(out) not in (tuple, list) or len(out) != 3:
        raise CheckFailed(
            f"{what} should return a tuple of three ints, but it returned {describe_type(out)}.",
            zh=f"{what.zh} 应当返回由三个整数组成的元组，但它返回了 {describe_type_zh(out)}。",
        )
    for name, got, want in zip(NAMES, out, expected(X, Y)):
        if type(got) is not int:
            raise CheckFailed(
                f"the count for {name} in {what} should be a Python int, but it is {describe_type(got)}.",
                zh=f"{what.zh} 中 {name} 的计数应当是 Python int，但它是{describe_type_zh(got)}。",
            )
        if got != want:
            raise CheckFailed(
                f"the count for {name} in {what} is not right.",
                zh=f"{what.zh} 中 {name} 的计数不对。",
            )
    check_unchanged(call.input_after(0), X, "X")
    check_unchanged(call.input_after(1), Y, "Y")


def pair(rng, shape_x, shape_y, dtype):
    """Small integers, so that equal entries occur; drawn again until X < Y and X > Y have
    different counts, so that swapping them shows."""
    while True:
        X = torch.randint(0, 4, shape_x, generator=rng).to(dtype)
        Y = torch.randint(0, 4, shape_y, generator=rng).to(dtype)
        if int((X < Y).sum()) != int((X > Y).sum()):
            return X, Y


@points(0.75)
@pytest.mark.parametrize(
    "shape, dtype",
    [((3, 4), torch.float32), ((5, 2, 3), torch.int64)],
    ids=["3x4-float32", "5x2x3-int64"],
)
def test_same_shape(student, rng, shape, dtype):
    """the three counts for two tensors of the same shape
    zh: 形状相同的两个张量的三个计数"""
    X, Y = pair(rng, shape, shape, dtype)
    call = student.call("comparison_counts", X, Y)
    check_counts(
        call,
        X,
        Y,
        Text(
            f"comparison_counts(X, Y) for {dtype} X, Y of shape {shape}",
            zh=f"X、Y 为形状 {shape} 的 {dtype} 张量时的 comparison_counts(X, Y)",
        ),
    )


@points(1)
def test_broadcast(student, rng):
    """the three counts when the shapes broadcast to a larger result
    zh: 两个形状广播成更大的结果时的三个计数"""
    for shape_x, shape_y in [((4, 1), (3,)), ((2, 1, 3), (4, 1))]:
        X, Y = pair(rng, shape_x, shape_y, torch.float64)
        call = student.call("comparison_counts", X, Y)
        check_counts(
            call,
            X,
            Y,
            Text(
                f"comparison_counts(X, Y) for X of shape {shape_x}, Y of shape {shape_y}",
                zh=f"X 的形状为 {shape_x}、Y 的形状为 {shape_y} 时的 comparison_counts(X, Y)",
            ),
        )
