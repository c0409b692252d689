"""The interface every engine implements, and the errors a session can raise."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .inside import protocol

if TYPE_CHECKING:  # the batch parent uses Limits without importing torch (~2 s)
    from .inside import codec


class SandboxError(Exception):
    """Base class for failures of the sandbox (as opposed to failures of student code)."""


class SandboxCrashed(SandboxError):
    """The student process died (os._exit, segfault, killed for memory) or broke the protocol."""


class CallTimeout(SandboxError):
    """A cell or a call ran past its time limit; the whole process tree was killed."""


class EngineUnavailable(SandboxError):
    """This engine cannot run on this machine (or with these options)."""


@dataclass
class CellOutcome:
    status: str  # ok | error | timeout | crashed (| skipped: not run, see execute.py)
    error: dict[str, str] | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0


@dataclass
class Limits:
    """Resource limits for one submission. Defaults suit the Preliminaries chapter."""

    cell_timeout: float = 30.0
    call_timeout: float = 10.0
    notebook_timeout: float = 300.0
    memory_mb: int = 2048
    max_processes: int = 64
    max_file_mb: int = 64
    scratch_mb: int = 256
    max_open_files: int = 256
    max_message_mb: int = 64
    output_chars: int = 4000
    checks_timeout: float = 120.0  # all of one submission's checks together
    watchdog_margin: float = 30.0

    @property
    def max_message_bytes(self) -> int:
        return self.max_message_mb * 1024 * 1024

    @property
    def grading_budget(self) -> float:
        """The most one grading may take before its watchdog stops the sandbox: the cells,
        the replays after crashes during the checks (charged to a budget as long as the
        notebook's own limit, see execute.py), the checks, and a margin for starting and
        killing sandboxes."""
        return 2 * self.notebook_timeout + self.checks_timeout + self.watchdog_margin


@dataclass
class Isolation:
    """What the sandbox actually had, recorded in every result."""

    mechanism: str  # e.g. "bwrap", "none", "in-process"
    unprivileged_uid: bool = False
    network_isolated: bool = False
    private_filesystem: bool = False
    private_tmp: bool = False
    pid_namespace: bool = False
    environment_scrubbed: bool = False
    process_cleanup: str = "none"  # all | process-group | none
    resource_limits: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "full": self.full,
            "unprivileged_uid": self.unprivileged_uid,
            "network_isolated": self.network_isolated,
            "private_filesystem": self.private_filesystem,
            "private_tmp": self.private_tmp,
            "pid_namespace": self.pid_namespace,
            "environment_scrubbed": self.environment_scrubbed,
            "process_cleanup": self.process_cleanup,
            "resource_limits": list(self.resource_limits),
            "missing": list(self.missing),
        }


class Session(ABC):
    """One run of one notebook: cells go in, then the judge's requests are answered."""

    @abstractmethod
    def run_cell(self, source: str, timeout: float) -> CellOutcome: ...

    def run_cells(self, sources: list[str], timeout: float, deadline: float) -> list[CellOutcome]:
        """Run cells in order, each within `timeout` seconds and all before `deadline`
        (time.monotonic()). Stops after a cell that timed out or crashed (the session is then
        dead) and when the deadline passes: fewer outcomes than sources come back then."""
        outcomes = []
        for source in sources:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            started = time.monotonic()
            outcome = self.run_cell(source, min(timeout, remaining))
            outcomes.append(outcome)
            if outcome.status in ("timeout", "crashed"):
                outcome.seconds = time.monotonic() - started
                break
        return outcomes

    @abstractmethod
    def request(
        self, header: dict[str, Any], values: dict[str, Any], timeout: float
    ) -> codec.Message:
        """Send one request; raises CallTimeout or SandboxCrashed."""

    def abort(self) -> None:  # noqa: B027 - sessions with nothing to wait on need nothing
        """Called from another thread (the grading's watchdog): make every wait of this session
        end now. Must only signal (kill processes, shut sockets down), never block; the thread
        that owns the session then sees it crash and cleans up."""

    @abstractmethod
    def close(self) -> None: ...


def call_with_deadline(function: Callable[[], object], seconds: float) -> bool:
    """Run `function` in a daemon thread; True if it finished within `seconds`. For library
    calls that may wait without a time limit of their own (joining a thread, a socket's linger):
    past the deadline the thread is left behind rather than the caller blocked. Exceptions in
    `function` are swallowed: this is for best-effort clean-up."""

    def run() -> None:
        try:
            function()
        except Exception:
            pass

    thread = threading.Thread(target=run, name="grader-cleanup", daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


class Engine(ABC):
    """Makes sessions. Engines are reused across submissions (that is what keeps them warm)."""

    name: str

    def launch(self) -> None:  # noqa: B027 - engines with nothing slow to start need nothing
        """Start whatever is slow to start without waiting for it (the fork engine's zygote)."""

    def prepare(self, sources: list[str], meta: bool = False) -> None:  # noqa: B027
        """A hint before the next submission, whose cells are `sources`: an engine that keeps
        a warm process may load what they import, and warm the meta device if `meta` (the
        assignment's checks use it). Engines without one need nothing."""

    @abstractmethod
    def start_session(self, limits: Limits) -> Session: ...

    @abstractmethod
    def isolation(self) -> Isolation: ...

    def close(self) -> None:  # noqa: B027 - engines without resources need nothing here
        pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cell_outcome_from_reply(message: codec.Message) -> CellOutcome:
    header = message.header
    if protocol.AGENT_ERROR in header:
        raise SandboxCrashed(str(header[protocol.AGENT_ERROR])[:300])
    status = header.get("status")
    if status not in ("ok", "error"):
        raise SandboxCrashed("the sandbox sent a malformed cell reply")
    error = header.get("error")
    if error is not None and not isinstance(error, dict):
        error = {"type": "?", "message": str(error)[:500]}
    return CellOutcome(
        status=status,
        error={k: str(v)[:4000] for k, v in error.items()} if error else None,
        stdout=str(header.get("stdout", ""))[:8000],
        stderr=str(header.get("stderr", ""))[:8000],
        seconds=float(header["seconds"])
        if isinstance(header.get("seconds"), (int, float))
        else 0.0,
    )
