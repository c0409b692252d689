"""The `student` fixture: how hidden checks reach the names a student defined.

Checks never see the student's objects, only plain data decoded from the sandbox's replies:

    def test_rows_below(student, rng):
        X, Y = torch.randn(2, 3, generator=rng), torch.randn(4, 3, generator=rng)
        out = student.add_samples(X, Y)             # the result, or StudentRaised
        call = student.call("add_into", X, Y)       # the result plus observations
        assert call.returned_argument(0)
        value = student.value("SUM_SHAPES")         # a variable

A function may be an argument: a `JudgeFunction` (grader/judge/functions.py), or a plain `def`
function of the check or doctest, travels as its source and is compiled in the sandbox; nothing
executable ever comes back. `call.autograd_runs` says how many backward passes ran during the
call, and `check_used_autograd(call, what)` fails a hand-derived answer where a question asks for
autograd.

The same interface works over any `Session` (in-process for the bank's own tests, a forked
child or a Jupyter kernel for real submissions); checks do not know which.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from ..sandbox.base import CallTimeout, SandboxCrashed, Session
from ..sandbox.inside import codec, protocol
from .assertions import CheckFailed, zh_of
from .functions import functions_as_source
from .observe import Observation


class StudentCodeProblem(Exception):
    """Base for problems in the student's code that end a check (not failures of the grader).
    `zh` is the message in Chinese."""

    status = "error"

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = message if zh is None else zh


class NameMissing(StudentCodeProblem):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"`{name}` is not defined. Run the cell that defines it, and check its spelling.",
            f"`{name}` 没有定义。请运行定义它的单元格，并检查拼写。",
        )


class NotCallable(StudentCodeProblem):
    def __init__(self, name: str, type_name: str) -> None:
        super().__init__(
            f"`{name}` should be a function, but it is a {type_name}.",
            f"`{name}` 应当是函数，但它是一个 {type_name}。",
        )


@dataclass
class RaisedError:
    type: str  # "RuntimeError", "torch.OutOfMemoryError", "__main__.MyError"
    message: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"{self.type}: {self.message}" if self.message else self.type


class StudentRaised(StudentCodeProblem):
    def __init__(self, name: str, raised: RaisedError) -> None:
        self.raised = raised
        super().__init__(f"`{name}(...)` raised {raised}", f"`{name}(...)` 抛出了 {raised}")


class Unencodable(StudentCodeProblem):
    status = "failed"

    def __init__(self, name: str, why: str) -> None:
        super().__init__(
            f"what `{name}` returned cannot be graded: {why}",
            f"`{name}` 返回的东西无法评分：{why}",
        )


@dataclass
class CallOutcome:
    """Everything observed about one call of a student function."""

    name: str
    result: Any
    raised: RaisedError | None
    args_after: tuple
    kwargs_after: dict
    inputs_after: dict[str, Any] = field(default_factory=dict)  # "args[0]" -> tensor now
    seconds: float = 0.0
    # How many times the autograd engine ran during the call, as the sandbox counted them:
    # backward passes (backward(), autograd.grad, torch.func.grad/vjp/jacrev...) and
    # forward-mode dual tensors (torch.func.jvp/jacfwd). Plain ints the student's process could
    # fake on purpose; see check_used_autograd.
    autograd_runs: int = 0
    forward_ad_runs: int = 0

    def unwrap(self) -> Any:
        if self.raised is not None:
            raise StudentRaised(self.name, self.raised)
        return self.result

    def returned_argument(self, index: int | str) -> bool:
        """True when the result is the very tensor object passed as that argument."""
        info = codec.remote_info(self.result)
        return info is not None and info.same_as == _path(index)

    def result_shares_storage_with(self, index: int | str) -> bool:
        info = codec.remote_info(self.result)
        return info is not None and info.shares_storage_with == _path(index)

    def input_after(self, index: int | str) -> Any:
        """The tensor passed as that argument, as any other reference to it sees it now."""
        return self.inputs_after[_path(index)]


def check_used_autograd(
    call: CallOutcome,
    what: str,
    *,
    at_least: int = 1,
    forward_mode: bool = False,
    why: str = "",
) -> None:
    """Fail unless autograd ran during `call`: at least `at_least` backward passes (with
    `forward_mode`, forward-mode dual tensors count too). Call it *after* checking the values:
    it is how a question that asks for autograd gives a hand-derived (or finite-difference)
    answer no points. `why` may say what the passes are for ("one per chunk")."""
    runs = call.autograd_runs + (call.forward_ad_runs if forward_mode else 0)
    if runs >= at_least:
        return
    if runs == 0:
        raise CheckFailed(
            f"`{what}` returned the right values but did not compute them with autograd (no "
            f"{'autograd pass' if forward_mode else 'backward pass'} ran during the call): this "
            "question asks for autograd, so a formula derived by hand or a numerical "
            "approximation earns no points here. Let autograd differentiate: `backward()`, "
            "`torch.autograd.grad` or `torch.func`.",
            zh=f"`{what}` 返回的值是对的，但不是用自动微分算出来的（调用期间没有运行"
            f"{'任何自动微分' if forward_mode else '反向传播'}）：这道题考的是自动微分，手工推导的"
            "公式或数值近似在这里不得分。请让 autograd 来求导：`backward()`、"
            "`torch.autograd.grad` 或 `torch.func`。",
        )
    passes = "pass" if runs == 1 else "passes"
    raise CheckFailed(
        f"`{what}` returned the right values but ran {runs} backward {passes} during the call, "
        f"and this question asks for at least {at_least}{' (' + why + ')' if why else ''}.",
        zh=f"`{what}` 返回的值是对的，但调用期间只运行了 {runs} 次反向传播，这道题要求至少 "
        f"{at_least} 次{'（' + zh_of(why) + '）' if why else ''}。",
    )


MAX_TRACE_BYTES = 64 * 2**20  # tensor bytes one question's recording may hold


def _call_seen(outcome: CallOutcome) -> dict[str, Any]:
    """What a diagnosis compares of one call: the exception (see _raised_seen) or the result;
    the containers among the arguments after the call; whether autograd ran (how many passes
    is a matter of style)."""
    return {
        "raised": _raised_seen(outcome.raised),
        "result": outcome.result,
        # Containers only: a list the function appended to is behaviour; a string or number
        # argument comes back as it went (and may be random, such as a fresh folder name).
        "args_after": [a if isinstance(a, (list, dict)) else None for a in outcome.args_after],
        "kwargs_after": {
            k: v if isinstance(v, (list, dict)) else None for k, v in outcome.kwargs_after.items()
        },
        "inputs_after": outcome.inputs_after,
        "autograd": outcome.autograd_runs > 0 or outcome.forward_ad_runs > 0,
    }


def _raised_seen(raised: RaisedError | None) -> tuple[str, str] | None:
    """An exception as a diagnosis compares it: its type and its message's first line with
    numbers and quoted text masked (torch says the same words for one mistake on other shapes;
    a path or a name in quotes may be the check's random folder)."""
    if raised is None:
        return None
    first = raised.message.strip().splitlines()[0] if raised.message.strip() else ""
    return raised.type, _NUMBER.sub("#", _QUOTED.sub("'…'", first))[:300]


_NUMBER = re.compile(r"\d+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _write_back(args: tuple, kwargs: dict, outcome: CallOutcome) -> None:
    for path, tensor in codec.tensor_paths(args, kwargs).values():
        after = outcome.inputs_after.get(path)
        if (
            type(after) is torch.Tensor
            and after.shape == tensor.shape
            and after.dtype == tensor.dtype
        ):
            with torch.no_grad():
                tensor.copy_(after.detach().to(tensor.device))


def _count(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def _path(index: int | str) -> str:
    return f"args[{index}]" if isinstance(index, int) else index


class Student:
    """Proxy for the student's namespace. `get_session` returns a live session: after a call
    times out or crashes the sandbox, the grader starts a fresh one (re-running the cells)."""

    def __init__(
        self,
        get_session: Callable[[], Session],
        call_timeout: float,
        max_bytes: int = codec.DEFAULT_MAX_BYTES,
        on_session_lost: Callable[[], None] | None = None,
    ) -> None:
        self._get_session = get_session
        self._call_timeout = call_timeout
        self._max_bytes = max_bytes
        self._on_session_lost = on_session_lost or (lambda: None)
        # What the checks saw, request by request (for a diagnosis): None when not recording.
        self.trace: list[Observation] | None = None
        self.trace_overflowed = False  # the replies held more than MAX_TRACE_BYTES: dropped
        self._trace_bytes = 0
        self._check = ""
        # The question's snapshot to answer from (its check cell's name), or None: the
        # namespace after the last cell (see grader/execute.py, `graded_at`)
        self.scope: str | None = None

    def record_into(self, trace: list[Observation] | None) -> None:
        """Record every request into `trace` from now on (None: stop recording)."""
        self.trace = trace
        self.trace_overflowed = False
        self._trace_bytes = 0

    def start_check(self, name: str) -> None:
        """The check case whose requests follow (an observation names it)."""
        self._check = name

    def _seen(self, op: str, name: str, seen: Any, message: codec.Message | None = None) -> None:
        if self.trace is None or self.trace_overflowed:
            return
        sizes = message.header.get("blob_sizes") if message is not None else None
        self._trace_bytes += sum(sizes) if isinstance(sizes, list) else 0
        if self._trace_bytes > MAX_TRACE_BYTES:
            # A recording holds the replies until the question ends: an answer that returns
            # huge tensors on every call is not diagnosed rather than held in memory.
            self.trace_overflowed = True
            self.trace.clear()
            return
        self.trace.append(Observation(self._check, op, name, seen))

    def _request(self, header: dict[str, Any], values: dict[str, Any]) -> codec.Message:
        if self.scope is not None:
            header = {**header, protocol.SCOPE: self.scope}
        session = self._get_session()
        try:
            message = session.request(header, values, self._call_timeout)
        except (CallTimeout, SandboxCrashed):
            self._on_session_lost()
            raise
        if protocol.AGENT_ERROR in message.header:
            self._on_session_lost()
            raise SandboxCrashed(str(message.header[protocol.AGENT_ERROR])[:300])
        return message

    def run_source(self, source: str) -> tuple[bool, str, str]:
        """Run `source` in the student's namespace, in the sandbox (an imported otter case that
        must run where otter runs it): (ok, stdout, "Type: message" of the error or "")."""
        header = self._request({protocol.OP: protocol.RUN_CELL, "source": source}, {}).header
        error_info = header.get("error")
        error = ""
        if isinstance(error_info, dict):
            error = f"{error_info.get('type', '')}: {error_info.get('message', '')}"
        stdout = header.get("stdout")
        outcome = header.get("status") == "ok", stdout if isinstance(stdout, str) else "", error
        self._seen("run", "", (outcome[0], outcome[1], error.partition(":")[0]))
        return outcome

    def describe(self, name: str) -> dict[str, Any]:
        message = self._request({protocol.OP: protocol.DESCRIBE, "names": [name]}, {})
        info = message.header.get("names", {}).get(name)
        if not isinstance(info, dict):
            raise SandboxCrashed("the sandbox sent a malformed reply")
        self._seen("describe", name, {k: info.get(k) for k in ("defined", "callable", "type")})
        return info

    def defines(self, name: str) -> bool:
        return bool(self.describe(name).get("defined"))

    def value(self, name: str) -> Any:
        message = self._request({protocol.OP: protocol.GET, "name": name}, {})
        if message.header.get("missing"):
            self._seen("get", name, "<missing>")
            raise NameMissing(name)
        if "unencodable" in message.header:
            self._seen("get", name, "<unencodable>")
            raise Unencodable(name, str(message.header["unencodable"]))
        value = message.values.get("value")
        self._seen("get", name, value, message)
        return value

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallOutcome:
        # Plain `def` functions of the check or doctest travel as their source (JudgeFunction).
        sent_args = tuple(functions_as_source(a) for a in args)
        sent_kwargs = {k: functions_as_source(v) for k, v in kwargs.items()}
        message = self._request(
            {protocol.OP: protocol.CALL, "name": name}, {"args": sent_args, "kwargs": sent_kwargs}
        )
        header, values = message.header, message.values
        if header.get("missing"):
            self._seen("call", name, "<missing>")
            raise NameMissing(name)
        if "unencodable" in header:
            self._seen("call", name, "<unencodable>")
            raise Unencodable(name, str(header["unencodable"]))
        raised = header.get("raised")
        paths = header.get("original_paths", [])
        originals = values.get("originals_after", [])
        inputs_after = (
            {str(p): t for p, t in zip(paths, originals, strict=False)}
            if isinstance(paths, list) and isinstance(originals, list)
            else {}
        )
        args_after = values.get("args_after", ())
        kwargs_after = values.get("kwargs_after", {})
        outcome = CallOutcome(
            name=name,
            result=values.get("result"),
            raised=RaisedError(
                type=str(raised.get("type", "?")),
                message=str(raised.get("message", "")),
                traceback=str(raised.get("traceback", "")),
            )
            if isinstance(raised, dict)
            else None,
            args_after=args_after if isinstance(args_after, tuple) else (),
            kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else {},
            inputs_after=inputs_after,
            seconds=float(header["seconds"])
            if isinstance(header.get("seconds"), (int, float))
            else 0.0,
            autograd_runs=_count(header.get("autograd_runs")),
            forward_ad_runs=_count(header.get("forward_ad_runs")),
        )
        self._seen("call", name, _call_seen(outcome), message)
        return outcome

    def function(self, name: str, sync_inputs: bool = False) -> Callable[..., Any]:
        """A callable that returns the result (or raises StudentRaised).

        With `sync_inputs`, tensors passed in are updated in place with what the student's
        function did to them, so a doctest can show `p` after `sgd_step([p], ...)`.
        """

        def proxy(*args: Any, **kwargs: Any) -> Any:
            outcome = self.call(name, *args, **kwargs)
            if sync_inputs:
                _write_back(args, kwargs, outcome)
            return outcome.unwrap()

        proxy.__name__ = name
        return proxy

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.function(name)
