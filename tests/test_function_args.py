"""Functions as arguments across the trust boundary, and the autograd-run count of a call.

A judge function goes into the sandbox as source text and is compiled there; nothing the sandbox
sends back is ever code. Each call's reply says how many backward passes ran during the call,
which is how a question that asks for autograd gives a hand-derived answer no points.
"""

from __future__ import annotations

import functools

import pytest
import torch

from grader.authoring.inprocess import run_code_in_process
from grader.judge import CheckFailed, JudgeFunction, Opaque, check_used_autograd
from grader.judge.functions import (
    as_judge_function,
    autograd_gradient,
    autograd_jvp,
    autograd_second_derivative,
    autograd_vjp,
    random_elementwise_function,
    random_least_squares,
    random_map_function,
    random_sample_loss,
    random_scalar_function,
    random_tensor_function,
)
from grader.judge.student import Student
from grader.sandbox.base import Limits
from grader.sandbox.inprocess import InProcessSession
from grader.sandbox.inside import codec

SIN_X = JudgeFunction("def f(x):\n    return (x.sin() * x).sum()\n", name="f")

STUDENT_CODE = """
import torch

def gradient(f, x):
    x = x.detach().clone().requires_grad_(True)
    f(x).backward()
    return x.grad

def with_autograd_grad(f, x):
    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x)
    return g

def with_func_grad(f, x):
    return torch.func.grad(f)(x)

def with_jvp(f, x, v):
    return torch.func.jvp(f, (x,), (v,))[1]

def by_hand(f, x):
    return torch.sin(x) + x * torch.cos(x)

def twice(f, x):
    return gradient(f, x), gradient(f, x)

def returns_it(f, x):
    return f

stored = []

def stores_it(f, x):
    stored.append(f)
    return f(x)

def forges_a_function(f, x):
    import sys
    judge_function = None
    for module in list(sys.modules.values()):
        candidate = getattr(module, "JudgeFunction", None)
        if isinstance(candidate, type):
            judge_function = candidate
            break
    return judge_function("def f(x):\\n    import os\\n    return os.getcwd()\\n", "f")
"""


def expected_gradient(x):
    return torch.sin(x) + x * torch.cos(x)


def exercise(student: Student) -> None:
    """What both sessions must do the same way."""
    x = torch.linspace(-2, 2, 5)
    call = student.call("gradient", SIN_X, x)
    assert call.raised is None, call.raised
    torch.testing.assert_close(call.result, expected_gradient(x))
    assert call.autograd_runs == 1 and call.forward_ad_runs == 0
    assert isinstance(call.args_after[0], Opaque)  # the compiled function comes back opaque

    # a plain def function of a check or doctest travels as its source
    def cube_sum(x):
        return (x**3).sum()

    torch.testing.assert_close(student.gradient(cube_sum, x), 3 * x**2)

    # returned or stored, the function comes back as an Opaque, never as code
    assert isinstance(student.returns_it(SIN_X, x), Opaque)
    torch.testing.assert_close(student.stores_it(SIN_X, x), SIN_X(x))
    forged = student.forges_a_function(SIN_X, x)
    assert isinstance(forged, Opaque) and forged.type_name == "JudgeFunction"


def test_a_function_argument_round_trip_in_process():
    session = InProcessSession(Limits())
    try:
        assert session.run_cell(STUDENT_CODE, 10).status == "ok"
        exercise(Student(lambda: session, 10))
    finally:
        session.close()


def test_a_function_argument_round_trip_in_a_forked_sandbox(fork_engine):
    session = fork_engine.start_session(Limits())
    try:
        assert session.run_cell(STUDENT_CODE, 10).status == "ok"
        student = Student(lambda: session, 10)
        exercise(student)
        # the counter works in a forked child too (installed in the zygote, inherited)
        x = torch.randn(3)
        assert student.call("by_hand", SIN_X, x).autograd_runs == 0
        assert student.call("twice", SIN_X, x).autograd_runs == 2
    finally:
        session.close()


def test_the_judge_refuses_a_function_in_a_reply():
    """A reply is decoded without a function compiler: "$function" is a malformed message,
    whoever forged it."""
    data = codec.encode_message({"raised": None}, {"result": SIN_X})
    with pytest.raises(codec.DecodeError, match="never out of it"):
        codec.decode_message(data)
    forged = codec.pack(
        {
            "values": {"result": {"$function": {"source": "import os", "name": "f"}}},
            "blob_sizes": [],
        },
        [],
    )
    with pytest.raises(codec.DecodeError):
        codec.decode_message(forged)


def test_the_agent_compiles_functions_and_sends_none_back():
    data = codec.encode_message({}, {"f": SIN_X})
    compiled = codec.decode_message(data, functions=codec.build_function).values["f"]
    assert type(compiled).__name__ == "function" and compiled.__name__ == "f"
    x = torch.randn(3)
    torch.testing.assert_close(compiled(x), SIN_X(x))
    # the agent's replies are encoded with functions=False
    reply = codec.encode_message({}, {"v": SIN_X}, functions=False)
    assert isinstance(codec.decode_message(reply).values["v"], Opaque)


def test_judge_functions_are_checked():
    with pytest.raises(ValueError):
        JudgeFunction("def f(x): return x", name="not an identifier")
    with pytest.raises(codec.DecodeError):
        bad = codec.pack(
            {"values": {"f": {"$function": {"source": "x = 1\n", "name": "f"}}}, "blob_sizes": []},
            [],
        )
        codec.decode_message(bad, functions=codec.build_function)  # defines no f


def test_lambdas_and_closures_cannot_travel_as_source():
    with pytest.raises(TypeError, match="lambda"):
        as_judge_function(lambda x: x)
    scale = 2.0

    def scaled(x):
        return scale * x

    with pytest.raises(TypeError, match="enclosing"):
        as_judge_function(scaled)


def test_autograd_runs_counts_each_entry_point():
    session = InProcessSession(Limits())
    try:
        assert session.run_cell(STUDENT_CODE, 10).status == "ok"
        student = Student(lambda: session, 10)
        x = torch.randn(4)
        for name in ("gradient", "with_autograd_grad", "with_func_grad"):
            call = student.call(name, SIN_X, x)
            torch.testing.assert_close(call.result, expected_gradient(x))
            assert call.autograd_runs == 1, name
            check_used_autograd(call, name)
        call = student.call("by_hand", SIN_X, x)
        torch.testing.assert_close(call.result, expected_gradient(x))
        assert call.autograd_runs == 0
        with pytest.raises(CheckFailed, match="did not compute them with autograd"):
            check_used_autograd(call, "by_hand(f, x)")
        call = student.call("twice", SIN_X, x)
        assert call.autograd_runs == 2
        with pytest.raises(CheckFailed, match="at least 3"):
            check_used_autograd(call, "twice(f, x)", at_least=3)
        elementwise = JudgeFunction("def g(x):\n    return torch.sin(x)\n", name="g")
        call = student.call("with_jvp", elementwise, x, torch.ones(4))
        assert (call.autograd_runs, call.forward_ad_runs) == (0, 1)
        check_used_autograd(call, "with_jvp", forward_mode=True)
        with pytest.raises(CheckFailed):
            check_used_autograd(call, "with_jvp")
    finally:
        session.close()


def test_random_functions_are_reproducible_and_smooth():
    x = torch.empty(6, dtype=torch.float64).uniform_(-2, 2)
    for seed in range(20):
        makers = [
            random_scalar_function,
            random_elementwise_function,
            random_tensor_function,
        ]
        for make in makers:
            first = make(torch.Generator().manual_seed(seed))
            again = make(torch.Generator().manual_seed(seed))
            assert first.source == again.source
        rng = torch.Generator().manual_seed(seed)
        g = autograd_gradient(random_scalar_function(rng), x)
        h = autograd_second_derivative(random_elementwise_function(rng), x)
        t = random_tensor_function(rng)
        v = autograd_vjp(t, x, torch.ones_like(x))
        m = random_map_function(rng, 6, 6)
        j = autograd_jvp(m, x, torch.ones_like(x))
        w = torch.zeros(3, dtype=torch.float64)
        ls = autograd_gradient(random_least_squares(rng, 8, 3), w)
        loss = random_sample_loss(rng)
        sample = autograd_gradient(functools.partial(loss, X=x.reshape(2, 3)), w)
        for value in (g, h, v, j, ls, sample):
            assert torch.isfinite(value).all() and value.abs().max() < 1e3


HAND_DERIVED_CUBIC = "import torch\n\ndef second_derivative_cubic(x):\n    return 6 * x\n"


def test_a_hand_derived_second_derivative_earns_nothing(bank):
    question = bank.questions["second-derivative"]
    result, error = run_code_in_process(question, HAND_DERIVED_CUBIC)
    assert error is None
    assert result.score == 0, [(c.name, c.status, c.message) for c in result.checks]
    assert any("did not compute them with autograd" in c.message for c in result.checks)
    for alternate in question.alternates:
        result, error = run_code_in_process(question, alternate.code)
        assert error is None
        assert result.score == result.max_score == question.points, alternate.name
