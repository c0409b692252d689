import torch

from grader.judge import Text, check_choice, points

LETTERS = set("ABCDEFG")


def close(a, b):
    return a.shape == b.shape and torch.allclose(a, b, rtol=1e-4, atol=1e-5)


def grad(f, x):
    x = x.clone().requires_grad_(True)
    f(x).backward()
    return x.grad


def true_statements():
    """Evaluate each statement numerically (autograd) on random data with n ≠ m."""
    g = torch.Generator().manual_seed(0)
    n, m = 4, 3
    x, a = torch.randn(n, generator=g), torch.randn(n, generator=g)
    A, B = torch.randn(m, n, generator=g), torch.randn(n, n, generator=g)
    # ∇ₓ(Ax) in d2l's layout: row i of the n x m matrix is ∂(Ax)/∂xᵢ.
    jac = torch.autograd.functional.jacobian(lambda x: A @ x, x)  # m x n (numerator layout)
    norm = x.norm()
    truth = {
        "A": close(grad(lambda x: a @ x, x), a),
        "B": close(grad(lambda x: x @ a, x), a.reshape(1, n)),
        "C": close(grad(lambda x: (x * x).sum(), x), 2 * x),
        "D": close(grad(lambda x: x.norm(), x), x / norm**2),
        "E": close(jac.T, A.T),
        "F": close(grad(lambda x: x @ B @ x, x), 2 * B @ x),
        "G": close(grad(lambda x: x.norm(), x), x / norm),
    }
    return {letter for letter, ok in truth.items() if ok}


@points(4)
def test_answer(student):
    """exactly the true statements
    zh: 恰好选出所有正确的说法"""
    check_choice(
        student.value("TRUE_GRADIENT_RULES"),
        "TRUE_GRADIENT_RULES",
        LETTERS,
        true_statements(),
        wrong=Text(
            "TRUE_GRADIENT_RULES is not the set of true statements.",
            zh="TRUE_GRADIENT_RULES 不是正确说法的集合。",
        ),
    )
