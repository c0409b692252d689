"""Grading always finishes: hostile cells that garble or stall the sandbox's channels, on both
engines, with the grader's own output a pipe (as under CI or a batch driver), and the
watchdog over one whole grading.

The first of these hung `grader grade --engine kernel` for good: a cell that writes junk to every
file descriptor broke the kernel's ZeroMQ sockets, and jupyter_client's heartbeat thread, joined
without a time limit when the kernel was killed, never woke up.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.sandbox.base import Engine

from ..conftest import ROOT
from .notebooks import code, solution_plus

pytestmark = pytest.mark.slow

CELL_TIMEOUT = 4.0
# A cold `grader grade` (torch, the bank, a zygote or two kernels: the notebook is run again
# without the cell that timed out) on two busy cores, beyond the cell's own time limit.
START_SLACK = 30.0

WRITE_TO_EVERY_FD = code(
    """
    import os
    blob = b'{"score": 100, "max_score": 100}\\n' * 4096
    for fd in range(64):
        try:
            os.write(fd, blob)
        except OSError:
            pass
    """
)


@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_writing_to_every_fd_finishes_through_a_pipe(engine, tmp_path):
    path, cells = solution_plus(tmp_path / "writer.ipynb", WRITE_TO_EVERY_FD)
    out = tmp_path / "result.json"
    command = [
        sys.executable, "-m", "grader.cli", "grade", str(path),
        "--assignment", "preliminaries-core", "--engine", engine,
        "--cell-timeout", str(CELL_TIMEOUT), "--json", str(out),
    ]  # fmt: skip
    started = time.monotonic()
    finished = subprocess.run(
        command, capture_output=True, cwd=ROOT, timeout=CELL_TIMEOUT + START_SLACK + 60
    )
    seconds = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    assert seconds < CELL_TIMEOUT + START_SLACK, f"took {seconds:.1f} s"
    result = json.loads(out.read_text())
    assert result["score"] == result["max_score"], "the answers in the other cells still count"
    (writer,) = [c for c in result["cells"] if c["index"] == cells[0]]
    assert writer["status"] in ("ok", "timeout", "crashed")


# Each stall is code run in the kernel: it turns one of the kernel's channels silent while the
# process lives on, or stops the whole process (heartbeat thread included), then waits.
_SEND_FILTER = """
    kernel = get_ipython().kernel
    original_send = kernel.session.send

    def send(stream, msg_or_type, *args, **kwargs):
        kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get('msg_type', '')
        if {condition}:
            return None
        return original_send(stream, msg_or_type, *args, **kwargs)

    kernel.session.send = send
    """
STALLS = {
    "iopub": _SEND_FILTER.format(condition="stream is kernel.iopub_socket"),
    "shell": _SEND_FILTER.format(condition="kind == 'execute_reply'"),
    "control": _SEND_FILTER.format(condition="stream is getattr(kernel, 'control_stream', None)")
    + "\n    kernel.control_handlers.clear()",
    "heartbeat": """
    import os, signal
    os.kill(os.getpid(), signal.SIGSTOP)
    """,
}


@pytest.fixture(scope="module")
def watched_kernel_engine():
    """A kernel engine that remembers every session it starts, to look at their processes."""
    from grader.sandbox.kernelengine import KernelEngine

    engine = KernelEngine()
    sessions = []
    start = engine.start_session

    def start_and_remember(limits):
        session = start(limits)
        sessions.append(session)
        return session

    engine.start_session = start_and_remember
    yield engine, sessions
    engine.close()


@pytest.mark.parametrize("channel", sorted(STALLS))
def test_a_stalled_kernel_channel_ends_the_grading(channel, watched_kernel_engine, bank, tmp_path):
    from grader.grade import grade_submission, plan_devices, validate_result
    from grader.sandbox.base import Limits
    from grader.submission import load_submission

    engine, sessions = watched_kernel_engine
    sessions.clear()
    stall = code(STALLS[channel] + "\n    import time\n    time.sleep(600)\n")
    path, _ = solution_plus(tmp_path / f"{channel}.ipynb", stall)
    started = time.monotonic()
    result = grade_submission(
        load_submission(path),
        bank,
        "preliminaries-core",
        engine,
        Limits(cell_timeout=CELL_TIMEOUT, call_timeout=2.0, notebook_timeout=60.0),
        plan_devices("cpu"),
        question_ids=["grid", "concat"],
    )
    seconds = time.monotonic() - started
    validate_result(result)
    # Two kernel starts (the notebook is rerun without the stalled cell) and the cell's limit.
    assert seconds < CELL_TIMEOUT + 20.0, f"took {seconds:.1f} s"
    assert result["score"] == result["max_score"]
    assert sessions, "the engine started no session"
    for session in sessions:
        process = session._kernel_process()
        assert process is None or process.poll() is not None, "a kernel process is still running"


class _StuckSession:
    """A session whose waits have no time limit of their own (the bug the watchdog is for):
    its first cell blocks until the watchdog aborts it."""

    alive = True

    def __init__(self) -> None:
        self.aborted = threading.Event()

    def run_cells(self, sources, timeout, deadline):
        from grader.sandbox.base import CellOutcome

        self.aborted.wait()  # no timeout: only abort() ends it
        self.alive = False
        return [CellOutcome("crashed", {"type": "Crashed", "message": "connection reset"})]

    def request(self, header, values, timeout):
        from grader.sandbox.base import SandboxCrashed

        raise SandboxCrashed("not running")

    def abort(self) -> None:
        self.aborted.set()

    def close(self) -> None:
        self.alive = False


class _StuckEngine(Engine):
    name = "inprocess"  # a name the result schema knows

    def __init__(self) -> None:
        self.sessions: list[_StuckSession] = []

    def start_session(self, limits):
        self.sessions.append(_StuckSession())
        return self.sessions[-1]

    def isolation(self):
        from grader.sandbox.base import Isolation

        return Isolation(mechanism="none", missing=["a test engine"])


def test_the_watchdog_ends_a_grading_that_outlives_its_budget(bank):
    from grader.grade import grade_submission, plan_devices, validate_result
    from grader.sandbox.base import Limits
    from grader.submission import load_submission

    limits = Limits(cell_timeout=1.0, notebook_timeout=1.0, checks_timeout=1.0, watchdog_margin=1.0)
    engine = _StuckEngine()
    started = time.monotonic()
    result = grade_submission(
        load_submission(ROOT / "solutions/preliminaries-core.ipynb"),
        bank,
        "preliminaries-core",
        engine,  # type: ignore[arg-type]
        limits,
        plan_devices("cpu"),
        question_ids=["grid"],
    )
    seconds = time.monotonic() - started
    validate_result(result)
    assert limits.grading_budget <= seconds < limits.grading_budget + 5.0
    assert len(engine.sessions) == 1, "nothing is replayed after the watchdog fired"
    assert result["score"] == 0
    assert any("total time limit" in note for note in result["notes"])
    statuses = {c["status"] for c in result["cells"] if c["status"] != "skipped"}
    assert statuses == {"timeout"}, "the running cell and the cells after it are not run"
    messages = [c["error"]["message"] for c in result["cells"] if c["status"] == "timeout"]
    assert all("total time limit" in m for m in messages)
    for check in result["questions"][0]["checks"]:
        assert check["status"] != "passed"


def test_the_watchdog_is_quiet_when_grading_ends_in_time(grade):
    result = grade(Path(ROOT / "solutions/preliminaries-core.ipynb"))
    assert result["score"] == result["max_score"]
    assert not any("total time limit" in note for note in result["notes"])
