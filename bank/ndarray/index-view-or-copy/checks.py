import torch

from grader.judge import check_choice, points

OPTIONS = {
    "A": lambda X: X[1:3],
    "B": lambda X: X[[1, 2]],
    "C": lambda X: X[X > 5],
    "D": lambda X: X[1],
    "E": lambda X: X[:, [0, 2]],
    "F": lambda X: X[-1:, 1:-1],
    "G": lambda X: X[[1]],
    "H": lambda X: X[1, 2],
}


def changes_x(expression):
    X = torch.arange(12).reshape(3, 4)
    expression(X).zero_()
    return not torch.equal(X, torch.arange(12).reshape(3, 4))


@points(4)
def test_answer(student):
    """INDEX_VIEW_OR_COPY_ANSWER holds the letters of the expressions that give a view of X
    zh: INDEX_VIEW_OR_COPY_ANSWER 包含得到 X 的视图的那些表达式的字母"""
    correct = {letter for letter, expression in OPTIONS.items() if changes_x(expression)}
    check_choice(
        student.value("INDEX_VIEW_OR_COPY_ANSWER"),
        "INDEX_VIEW_OR_COPY_ANSWER",
        OPTIONS,
        correct,
        sequences=True,
    )
