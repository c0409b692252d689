"""The sandbox side of the RPC: runs cells and answers the judge's calls, nothing else.

The agent knows nothing about checks or answers. It executes the cell sources it is sent, and
when the judge asks, it calls a student-defined name with arguments the judge chose and reports
plain data back: the result, the exception, the arguments as they are after the call, and which
returned tensors *are* (or share memory with) argument tensors.

It runs in the student's process, so everything it reports is untrusted: the judge decodes it
without pickle and draws no conclusion that does not follow from the values being right.

Two things cross in one direction only. Functions the judge wrote (`codec.JudgeFunction`) come
in as source text; the agent compiles each in a fresh namespace holding `torch` and `math` and
passes the resulting function to the student's code, and its replies never carry one back. And
each call's reply says how many times the autograd engine ran during the call (backward passes,
and forward-mode dual tensors made), counted by thin wrappers around the functions that every
public autograd entry point goes through. That count is a plain int the student's process could
fake on purpose; the judge uses it only to refuse a hand-derived answer where a question asks
for autograd (see docs/bank.md).
"""

from __future__ import annotations

import functools
import io
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from . import codec, protocol, wire

OUTPUT_TAIL_CHARS = 4000
ERROR_CHARS = 2000


class CappedText(io.TextIOBase):
    """A text sink for sys.stdout/sys.stderr that keeps only the last `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        self.parts.append(text)
        self.size += len(text)
        if self.size > 4 * self.limit:
            joined = "".join(self.parts)
            self.dropped += len(joined) - self.limit
            self.parts = [joined[-self.limit :]]
            self.size = self.limit
        return len(text)

    def getvalue(self) -> str:
        text = "".join(self.parts)
        if len(text) > self.limit:
            self.dropped += len(text) - self.limit
            text = text[-self.limit :]
        if self.dropped:
            text = f"[... {self.dropped} characters cut ...]\n" + text
        return _utf8(text)


def _utf8(text: str) -> str:
    """`text` as valid UTF-8: a lone surrogate (print("\\ud800")) becomes the escape "\\ud800"
    instead of making the reply unencodable."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _short(text: Any, limit: int = ERROR_CHARS) -> str:
    try:
        text = _utf8(str(text))
    except BaseException:  # a student's __str__ may raise anything
        text = "<unprintable>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_exception(exc: BaseException) -> dict[str, str]:
    cls = type(exc)
    module = getattr(cls, "__module__", "?")
    name = getattr(cls, "__qualname__", "?")
    qualified = name if module == "builtins" else f"{module}.{name}"
    try:
        lines = traceback.format_exception(cls, exc, exc.__traceback__)
        tb = "".join(lines[-6:])
    except BaseException:
        tb = ""
    return {"type": _short(qualified, 200), "message": _short(exc), "traceback": _short(tb, 4000)}


class AutogradCounter:
    """How many times the autograd engine ran in this process (never reset: a call's count is
    a difference). `backward` counts reverse-mode passes: `Tensor.backward()`,
    `torch.autograd.backward`, `torch.autograd.grad` and everything built on them
    (`torch.func.grad`, `vjp`, `jacrev`, `torch.autograd.functional`) end in one call of
    `torch.autograd._engine_run_backward` per pass. `forward` counts forward-mode dual tensors
    (`torch.func.jvp`, `jacfwd`, `torch.autograd.forward_ad.make_dual`)."""

    def __init__(self) -> None:
        self.backward = 0
        self.forward = 0
        self.installed = False

    def install(self) -> None:
        """Wrap the engine's entry points once per process, when the first agent is made: in
        the fork engine's zygote and children before any student code runs; in a kernel after
        the notebook's cells, which changes nothing, since torch looks the wrapped names up at
        each call. The wrappers only count and pass through."""
        if self.installed:
            return
        self.installed = True
        import torch.autograd
        import torch.autograd.forward_ad
        import torch.autograd.graph

        engine_run_backward = torch.autograd.graph._engine_run_backward
        make_dual = torch.autograd.forward_ad.make_dual
        counter = self

        @functools.wraps(engine_run_backward)
        def counting_engine_run_backward(*args: Any, **kwargs: Any) -> Any:
            counter.backward += 1
            return engine_run_backward(*args, **kwargs)

        @functools.wraps(make_dual)
        def counting_make_dual(*args: Any, **kwargs: Any) -> Any:
            counter.forward += 1
            return make_dual(*args, **kwargs)

        # torch.autograd.backward and .grad call the name bound in torch.autograd's namespace;
        # torch.autograd.graph's binding is the one other torch code imports.
        torch.autograd._engine_run_backward = counting_engine_run_backward
        torch.autograd.graph._engine_run_backward = counting_engine_run_backward
        torch.autograd.forward_ad.make_dual = counting_make_dual

    def counts(self) -> tuple[int, int]:
        return self.backward, self.forward


AUTOGRAD = AutogradCounter()


class Agent:
    """Executes cells in one namespace and answers requests about it.

    `shell` is an IPython InteractiveShell when available (so `%magics` work); otherwise cells
    run with plain `exec` in `namespace`.
    """

    def __init__(
        self, shell: Any = None, max_bytes: int = codec.DEFAULT_MAX_BYTES, spin_s: float = 0.0
    ) -> None:
        self.shell = shell
        self.spin_s = spin_s  # how long to poll for the next request before sleeping on it
        self.namespace: dict[str, Any] = (
            shell.user_ns if shell is not None else {"__name__": "__main__"}
        )
        self.max_bytes = max_bytes
        AUTOGRAD.install()  # before the submission's first cell, in a forked child
        # What this process had of the modules a zygote may import for its children: one the
        # student's code imports later is reported (protocol.LATE_IMPORTS).
        self.had_modules = frozenset(m for m in protocol.PRELOADABLE_MODULES if m in sys.modules)

    # -- requests --------------------------------------------------------------------------

    def handle(self, data: bytes | bytearray) -> bytes | None:
        """One request in, one reply out (None after "bye"). Never raises."""
        replies = self.replies(data)
        return None if replies is None else next(iter(replies), None)

    def replies(self, data: bytes | bytearray) -> Iterable[bytes] | None:
        """The replies to one request: one per cell for "run_cells" (each made when asked for,
        so it can be sent as soon as its cell ends), one for any other op, None after "bye".
        Never raises."""
        try:
            # The judge's functions come in as source, compiled here (and only here).
            message = codec.decode_message(data, self.max_bytes, functions=codec.build_function)
        except BaseException as exc:
            return [self._failure(exc)]
        sources = message.header.get("sources")
        if message.header.get(protocol.OP) == protocol.RUN_CELLS and type(sources) is list:
            return (self._answer(self.run_cell, str(source)) for source in sources)
        if message.header.get(protocol.OP) == protocol.BYE:
            return None
        return [self._answer(self._dispatch, message)]

    def _answer(self, handler: Callable[[Any], bytes], argument: Any) -> bytes:
        try:
            return handler(argument)
        except BaseException as exc:  # the agent must always answer
            return self._failure(exc)

    def _dispatch(self, message: codec.Message) -> bytes:
        op = message.header.get(protocol.OP)
        scope = message.header.get(protocol.SCOPE)
        namespace = self.namespace if scope is None else self._scoped(str(scope))
        if op == protocol.RUN_CELL:
            source = str(message.header.get("source", ""))
            if namespace is self.namespace:
                return self.run_cell(source)
            return self.run_cell(source, namespace)
        if op == protocol.CALL:
            return self.call(message, namespace)
        if op == protocol.GET:
            return self.get(str(message.header.get("name", "")), namespace)
        if op == protocol.DESCRIBE:
            return self.describe(message.header.get("names", []), namespace)
        return self._error_reply(f"unknown op {op!r}")

    def _scoped(self, scope: str) -> dict[str, Any]:
        """The namespace as it was at a question's check cell (the snapshot cell the judge put
        there, grader/execute.py), or the live one when that cell did not run: otter then
        checks the question at the end of the notebook."""
        store = self.namespace.get(protocol.SNAPSHOTS)
        if type(store) is dict:
            view = dict.get(store, scope)
            if type(view) is dict:
                return view
        return self.namespace

    def _error_reply(self, text: str) -> bytes:
        return codec.encode_message({protocol.AGENT_ERROR: text}, {})

    def _failure(self, exc: BaseException) -> bytes:
        return self._error_reply(f"agent failure: {type(exc).__name__}: {_short(exc, 300)}")

    def run_cell(self, source: str, namespace: dict[str, Any] | None = None) -> bytes:
        """Run a cell: in the shell (the notebook's namespace), or with plain `exec` in
        `namespace` (a question's snapshot)."""
        out, err = CappedText(OUTPUT_TAIL_CHARS), CappedText(OUTPUT_TAIL_CHARS)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        started = time.perf_counter()
        error: dict[str, str] | None = None
        try:
            if namespace is not None:
                exec(compile(source, "<check>", "exec"), namespace)
            elif self.shell is not None:
                result = self.shell.run_cell(source, store_history=False, silent=False)
                exc = result.error_before_exec or result.error_in_exec
                if exc is not None:
                    error = describe_exception(exc)
            else:
                exec(compile(source, "<cell>", "exec"), self.namespace)
        except BaseException as exc:
            error = describe_exception(exc)
        finally:
            sys.stdout, sys.stderr = saved
        header = {
            "status": "error" if error else "ok",
            "error": error,
            "stdout": out.getvalue(),
            "stderr": err.getvalue(),
            "seconds": time.perf_counter() - started,
        }
        self._note_late_imports(header)
        return codec.encode_message(header, {})

    def _note_late_imports(self, header: dict[str, Any]) -> None:
        """Add to a reply the modules of PRELOADABLE_MODULES imported since this agent began
        (in a forked child: since the submission came; torch._dynamo by an operation on meta
        tensors): its zygote may import them for the next children. A few dict lookups; nothing
        is added in the usual case, when there are none."""
        try:
            modules = sys.modules
            late = [
                m
                for m in protocol.PRELOADABLE_MODULES
                if m not in self.had_modules and m in modules
            ]
        except BaseException:  # sys.modules replaced by the student's code: no hint
            return
        if late:
            header[protocol.LATE_IMPORTS] = late

    def describe(self, names: Any, namespace: dict[str, Any]) -> bytes:
        info = {}
        for name in names if isinstance(names, list) else []:
            name = str(name)
            if name in namespace:
                value = namespace[name]
                info[name] = {
                    "defined": True,
                    "callable": callable(value),
                    "type": codec.type_name(value),
                }
            else:
                info[name] = {"defined": False, "callable": False, "type": ""}
        return codec.encode_message({"names": info}, {})

    def get(self, name: str, namespace: dict[str, Any]) -> bytes:
        if name not in namespace:
            return codec.encode_message({"missing": True}, {})
        try:
            return codec.encode_message(
                {}, {"value": namespace[name]}, self.max_bytes, functions=False
            )
        except BaseException as exc:
            return codec.encode_message({"unencodable": _short(exc, 300)}, {})

    def call(self, message: codec.Message, namespace: dict[str, Any]) -> bytes:
        name = str(message.header.get("name", ""))
        if name not in namespace:
            return codec.encode_message({"missing": True}, {})
        function = namespace[name]
        args = message.values.get("args", ())
        kwargs = message.values.get("kwargs", {})
        if type(args) is not tuple or type(kwargs) is not dict:
            return self._error_reply("bad call arguments")
        originals = codec.tensor_paths(args, kwargs)
        raised: dict[str, str] | None = None
        result: Any = None
        backward_before, forward_before = AUTOGRAD.counts()
        out = CappedText(OUTPUT_TAIL_CHARS)
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
        except BaseException as exc:
            raised = describe_exception(exc)
        finally:
            sys.stdout, sys.stderr = saved
        seconds = time.perf_counter() - started
        backward_after, forward_after = AUTOGRAD.counts()
        header = {
            "raised": raised,
            "seconds": seconds,
            "original_paths": [p for p, _ in originals.values()],
            "autograd_runs": _runs(backward_after, backward_before),
            "forward_ad_runs": _runs(forward_after, forward_before),
        }
        self._note_late_imports(header)
        values = {
            "result": result,
            "args_after": args,
            "kwargs_after": kwargs,
            # The very tensor objects that were passed in, as any other reference to them sees
            # them now: this is how "updated in place" is observed even if a list was rebound.
            "originals_after": [t for _, t in originals.values()],
        }
        try:
            return codec.encode_message(
                header, values, self.max_bytes, tensor_paths=originals, functions=False
            )
        except BaseException as exc:
            header["unencodable"] = _short(exc, 300)
            try:
                values["result"] = None
                return codec.encode_message(
                    header, values, self.max_bytes, tensor_paths=originals, functions=False
                )
            except BaseException:
                return codec.encode_message(header, {})

    # -- serving over a socket ---------------------------------------------------------------

    def serve(self, sock: socket.socket) -> None:
        """Answer requests until the judge says bye or closes the socket."""
        while True:
            wire.spin_until_readable(sock, self.spin_s)
            try:
                data = wire.recv_frame(sock, self.max_bytes + 1024 * 1024)
            except (wire.PeerClosed, wire.FrameTooLarge, OSError):
                return
            replies = self.replies(data)
            if replies is None:
                return
            try:
                for reply in replies:  # for a batch of cells: each sent as its cell ends
                    wire.send_frame(sock, reply)
            except OSError:
                return


def _runs(after: Any, before: Any) -> int:
    """A count for the reply header: a non-negative int whatever the student did to the
    counter's attributes."""
    try:
        value = after - before
    except BaseException:
        return 0
    return value if type(value) is int and 0 <= value < 2**62 else 0
