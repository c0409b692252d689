import torch

from grader.judge import Text, check_choice, points

LINES = {
    "A": lambda y: y.backward(),
    "B": lambda y: y.sum().backward(),
    "C": lambda y: y.backward(torch.ones(4)),
    "D": lambda y: y.backward(torch.ones(1)),
    "E": lambda y: y.mean().backward(),
    "F": lambda y: y.backward(gradient=torch.tensor([1.0, 0.0, 0.0, 1.0])),
}


def failing_lines():
    out = set()
    for letter, line in LINES.items():
        x = torch.arange(4.0, requires_grad=True)
        y = x * x
        try:
            line(y)
        except Exception:
            out.add(letter)
    return out


@points(4)
def test_answer(student):
    """exactly the lines that raise an error
    zh: 恰好是会报错的那些行"""
    check_choice(
        student.value("FAILING_BACKWARD_LINES"),
        "FAILING_BACKWARD_LINES",
        LINES,
        failing_lines(),
        wrong=Text(
            "FAILING_BACKWARD_LINES is not the set of lines that raise an error.",
            zh="FAILING_BACKWARD_LINES 不是会报错的那组行。",
        ),
    )
