"""Functions as arguments: judge-written functions for the student's code to differentiate.

A check that asks "differentiate *this* function" passes a `JudgeFunction`: source text the
judge wrote, sent into the sandbox and compiled there (in a namespace holding only `torch` and
`math`), so the student's `gradient(f, x)` receives a real Python function. The judge calls the
same object on its own side (compiled here from the same text) to work out, with torch's
autograd, what it expects:

    def test_gradient(student, rng):
        f = random_scalar_function(rng)                    # e.g. sum(0.7·sin(1.3x − 0.2) + ...)
        x = torch.empty(5).uniform_(-1.5, 1.5, generator=rng)
        call = student.call("gradient", f, x)
        check_tensor(call.unwrap(), autograd_gradient(f, x), "gradient(f, x)")
        check_used_autograd(call, "gradient(f, x)")

A function drawn at random for each check has no closed form the student could have derived in
advance: the robust way to ask for autograd. The source is only ever text this module (or a
check, or a public doctest) wrote; nothing the sandbox sends is compiled on the judge's side.

A plain `def` function in a check or a public doctest is sent the same way, as its source
(`as_judge_function`); it may use only `torch`, `math` and its own arguments.
"""

from __future__ import annotations

import inspect
import textwrap
import types
from collections.abc import Callable
from typing import Any

import torch

from ..sandbox.inside.codec import JudgeFunction

# -- drawing ------------------------------------------------------------------------------------


def _uniform(rng: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


def _constant(rng: torch.Generator, low: float, high: float, signed: bool = True) -> str:
    """A constant with two decimals, |value| in [low, high], random sign when `signed`."""
    value = round(_uniform(rng, low, high), 2)
    if signed and float(torch.rand((), generator=rng)) < 0.5:
        value = -value
    return f"{value:.2f}"


def _choose(rng: torch.Generator, count: int) -> int:
    return int(torch.randint(count, (), generator=rng))


def _signed(value: str) -> str:
    """A constant written after a binary operator: "+ 0.50" or "- 0.50"."""
    return f"- {value[1:]}" if value.startswith("-") else f"+ {value}"


def _offset(rng: torch.Generator) -> str:
    return _signed(_constant(rng, 0.1, 0.8))


# Smooth, bounded-derivative terms in v (an elementwise expression), for inputs in about
# [-2, 2]: no division, logarithm or square root near 0, exponentials of small slope.
def _term(rng: torch.Generator, v: str) -> str:
    c = _constant(rng, 0.4, 1.5)
    a = _constant(rng, 0.5, 1.6)
    kind = _choose(rng, 9)
    if kind == 0:
        return f"{c} * torch.sin({a} * {v} {_offset(rng)})"
    if kind == 1:
        return f"{c} * torch.cos({a} * {v} {_offset(rng)})"
    if kind == 2:
        return f"{c} * torch.tanh({a} * {v} {_offset(rng)})"
    if kind == 3:
        slope = _constant(rng, 0.2, 0.6)
        return f"{c} * torch.exp({slope} * {v})"
    if kind == 4:
        return f"{c} * {v} ** 2"
    if kind == 5:
        small = _constant(rng, 0.1, 0.4)
        return f"{small} * {v} ** 3"
    if kind == 6:
        return f"{c} * torch.log(1 + {v} ** 2)"
    if kind == 7:
        return f"{c} * torch.sigmoid({a} * {v} {_offset(rng)})"
    return f"{c} * torch.sin({a} * {v}) * torch.exp({_constant(rng, 0.2, 0.5)} * {v})"


def random_elementwise_expression(rng: torch.Generator, v: str = "x", terms: int = 3) -> str:
    """A sum of `terms` random smooth elementwise terms in `v` (a Python expression)."""
    parts = [_term(rng, v) for _ in range(terms)]
    return " + ".join(parts).replace("+ -", "- ")


def _function(name: str, args: str, body: list[str]) -> JudgeFunction:
    lines = [f"def {name}({args}):"] + [f"    {line}" for line in body]
    return JudgeFunction("\n".join(lines) + "\n", name=name)


def random_elementwise_function(
    rng: torch.Generator, name: str = "f", terms: int = 3
) -> JudgeFunction:
    """y = g(x) applied elementwise: y has x's shape and yᵢ depends on xᵢ only."""
    return _function(name, "x", [f"return {random_elementwise_expression(rng, 'x', terms)}"])


def random_scalar_function(
    rng: torch.Generator, name: str = "f", terms: int = 3, coupled: bool = True
) -> JudgeFunction:
    """A scalar function of a tensor of any shape: the sum of a random elementwise function,
    plus (when `coupled`) a term of x.sum() so that the gradient is not elementwise."""
    body = [f"y = ({random_elementwise_expression(rng, 'x', terms)}).sum()"]
    if coupled:
        scale = _constant(rng, 0.3, 1.0)
        slope = _constant(rng, 0.2, 0.5)
        body.append(f"y = y {_signed(scale)} * torch.tanh({slope} * x.sum())")
    body.append("return y")
    return _function(name, "x", body)


def random_tensor_function(rng: torch.Generator, name: str = "f", terms: int = 2) -> JudgeFunction:
    """y of x's shape, not elementwise: a random elementwise function scaled by a smooth
    function of x.mean() (so every yᵢ depends on every xⱼ)."""
    scale = _constant(rng, 0.3, 0.8)
    slope = _constant(rng, 0.5, 1.5)
    body = [
        f"g = {random_elementwise_expression(rng, 'x', terms)}",
        f"return g * (1 {_signed(scale)} * torch.tanh({slope} * x.mean()))",
    ]
    return _function(name, "x", body)


def _matrix_literal(rng: torch.Generator, rows: int, cols: int, scale: float) -> str:
    values = (torch.randn(rows, cols, generator=rng, dtype=torch.float64) * scale).tolist()
    return "[" + ", ".join("[" + ", ".join(f"{v:.2f}" for v in row) + "]" for row in values) + "]"


def random_map_function(
    rng: torch.Generator, n: int, m: int, name: str = "f", terms: int = 2
) -> JudgeFunction:
    """A map from vectors of length n to vectors of length m: y = g(W x + b) elementwise, with
    a random matrix W (m × n) and vector b written into the source; its Jacobian is a full
    matrix, different from its transpose even when m = n."""
    w = _matrix_literal(rng, m, n, 0.6)
    b = "[" + ", ".join(f"{_uniform(rng, -0.5, 0.5):.2f}" for _ in range(m)) + "]"
    body = [
        f"W = torch.tensor({w}, dtype=x.dtype, device=x.device)",
        f"b = torch.tensor({b}, dtype=x.dtype, device=x.device)",
        "h = W @ x + b",
        f"return {random_elementwise_expression(rng, 'h', terms)}",
    ]
    return _function(name, "x", body)


def random_least_squares(rng: torch.Generator, n: int, d: int, name: str = "loss") -> JudgeFunction:
    """loss(w) = mean((A w − b)²) for a random, well-conditioned A (n × d) and b written into
    the source: a least-squares problem the student never sees."""
    a = torch.randn(n, d, generator=rng, dtype=torch.float64)
    a = a / a.norm(dim=0, keepdim=True) * (n**0.5) * 0.8  # columns of similar size
    w_true = torch.randn(d, generator=rng, dtype=torch.float64)
    b = a @ w_true + 0.1 * torch.randn(n, generator=rng, dtype=torch.float64)
    a_text = "[" + ", ".join("[" + ", ".join(f"{v:.3f}" for v in row) + "]" for row in a.tolist())
    b_text = "[" + ", ".join(f"{v:.3f}" for v in b.tolist()) + "]"
    body = [
        f"A = torch.tensor({a_text}], dtype=w.dtype, device=w.device)",
        f"b = torch.tensor({b_text}, dtype=w.dtype, device=w.device)",
        "return ((A @ w - b) ** 2).mean()",
    ]
    return _function(name, "w", body)


def random_sample_loss(rng: torch.Generator, name: str = "loss", terms: int = 2) -> JudgeFunction:
    """loss(w, X): the SUM over the rows of X of a random smooth function of the score X @ w
    (one loss per sample, added up)."""
    body = ["s = X @ w", f"return ({random_elementwise_expression(rng, 's', terms)}).sum()"]
    return _function(name, "w, X", body)


# -- what the judge expects --------------------------------------------------------------------


def autograd_gradient(f: Callable[..., torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """∇f(x) for a scalar f, by torch's autograd on a copy of x (same dtype)."""
    leaf = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf), leaf)
    return grad.detach()


def autograd_vjp(f: Callable[..., torch.Tensor], x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """vᵀ J_f(x): the gradient of Σ vᵢ fᵢ(x)."""
    leaf = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf), leaf, grad_outputs=v)
    return grad.detach()


def autograd_jvp(f: Callable[..., torch.Tensor], x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """J_f(x) v, by forward mode."""
    _, tangent = torch.func.jvp(f, (x.detach(),), (v.detach(),))
    return tangent.detach()


def autograd_second_derivative(f: Callable[..., torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The elementwise second derivative of an elementwise f: d²yᵢ/dxᵢ²."""
    leaf = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf).sum(), leaf, create_graph=True)
    (second,) = torch.autograd.grad(grad.sum(), leaf)
    return second.detach()


# -- plain functions as arguments --------------------------------------------------------------


def as_judge_function(function: types.FunctionType) -> JudgeFunction:
    """A `def` function written in a check or a public doctest (trusted text), as the
    JudgeFunction of its source. Raises TypeError for what cannot travel as source."""
    name = function.__name__
    if name == "<lambda>" or not name.isidentifier():
        raise TypeError(
            "a lambda cannot be sent to the student's code: define the function with def"
        )
    if function.__code__.co_freevars:
        raise TypeError(
            f"{name} uses variables of an enclosing function; a function sent to the student's "
            "code may use only torch, math and its arguments"
        )
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError) as exc:
        raise TypeError(f"the source of {name} cannot be found: {exc}") from None
    return JudgeFunction(source, name=name)


def functions_as_source(value: Any, depth: int = 0) -> Any:
    """`value` with every plain `def` function in it (at the top, or in a list, tuple or dict
    argument) replaced by its JudgeFunction; anything else is returned as it is."""
    if type(value) is types.FunctionType:
        return as_judge_function(value)
    if depth >= 2:
        return value
    if type(value) in (list, tuple) and any(type(v) is types.FunctionType for v in value):
        return type(value)(functions_as_source(v, depth + 1) for v in value)
    if type(value) is dict and any(type(v) is types.FunctionType for v in value.values()):
        return {k: functions_as_source(v, depth + 1) for k, v in value.items()}
    return value
