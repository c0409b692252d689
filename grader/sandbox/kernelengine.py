"""The `kernel` engine: a real ipykernel driven by nbclient, for full Jupyter fidelity.

One kernel per session. Cells run through nbclient's `execute_cell` with a per-cell timeout;
a cell that times out or kills the kernel ends the session (the grader reruns the notebook
without it, as with the fork engine). For the judge's calls, a last cell hands the kernel one
end of a socket pair (inherited at launch) and serves the same agent as the fork engine over it.

Isolation: the kernel runs as a plain subprocess with a scrubbed environment; it has neither the
bubblewrap namespaces nor the dedicated uid of the fork engine, and its result says so.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from typing import Any

from .base import (
    CallTimeout,
    CellOutcome,
    Engine,
    EngineUnavailable,
    Isolation,
    Limits,
    SandboxCrashed,
    Session,
)
from .forkengine import recv_frame_before
from .inside import codec, wire
from .isolation import INSIDE_DIR

KERNEL_START_TIMEOUT = 60


class KernelSession(Session):
    def __init__(self, limits: Limits) -> None:
        import nbformat
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient

        self.limits = limits
        self.workdir = tempfile.mkdtemp(prefix="d2l-grader-kernel-")
        for sub in ("work", "data", "home"):
            os.makedirs(os.path.join(self.workdir, sub))
        self.ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.rpc_fd = theirs.fileno()
        env = {
            "PATH": f"{os.path.dirname(os.path.abspath(sys.executable))}:/usr/bin:/bin",
            "PYTHONPATH": str(INSIDE_DIR.parent),
            "HOME": os.path.join(self.workdir, "home"),
            "TMPDIR": os.path.join(self.workdir, "home"),
            "MPLBACKEND": "Agg",
            "OMP_NUM_THREADS": "1",
            "LANG": "C.UTF-8",
            "JPY_PARENT_PID": str(os.getpid()),
        }
        self.km = KernelManager(kernel_name="python3")
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.nb, km=self.km, timeout=limits.cell_timeout, allow_errors=True, startup_timeout=KERNEL_START_TIMEOUT,
            interrupt_on_timeout=False, record_timing=False,
        )  # fmt: skip
        try:
            self.client.start_new_kernel(
                cwd=os.path.join(self.workdir, "work"), env=env, pass_fds=(self.rpc_fd,)
            )
            self.client.start_new_kernel_client()
        except Exception as exc:
            self._cleanup()
            raise EngineUnavailable(f"the Jupyter kernel did not start: {exc}") from None
        finally:
            theirs.close()
        self.alive = True
        self.serving = False
        self.cell_count = 0

    def run_cell(self, source: str, timeout: float) -> CellOutcome:
        import nbformat
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        if not self.alive:
            return CellOutcome(
                "crashed", {"type": "Crashed", "message": "the kernel is not running"}
            )
        cell = nbformat.v4.new_code_cell(source)
        self.client.timeout = max(1, int(round(timeout)))
        started = time.monotonic()
        self.nb.cells.append(cell)
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1)
        except CellTimeoutError:
            self.kill()
            return CellOutcome(
                "timeout",
                {"type": "Timeout", "message": f"the cell ran longer than {timeout:g} s"},
                seconds=time.monotonic() - started,
            )
        except DeadKernelError as exc:
            self.kill()
            return CellOutcome(
                "crashed",
                {"type": "Crashed", "message": f"the kernel died ({exc})"},
                seconds=time.monotonic() - started,
            )
        except Exception as exc:  # nbclient raises RuntimeError when the kernel vanishes mid-cell
            self.kill()
            return CellOutcome(
                "crashed",
                {"type": "Crashed", "message": f"{type(exc).__name__}: {str(exc)[:200]}"},
                seconds=time.monotonic() - started,
            )
        self.cell_count += 1
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        if errors:
            error = errors[0]
            return CellOutcome(
                "error",
                {"type": str(error.get("ename", "")), "message": str(error.get("evalue", ""))},
                stdout=text[-4000:],
                seconds=time.monotonic() - started,
            )
        return CellOutcome("ok", stdout=text[-4000:], seconds=time.monotonic() - started)

    def _start_serving(self) -> None:
        code = (
            "import socket as _grader_socket\n"
            "from inside.agent import Agent as _GraderAgent\n"
            f"_GraderAgent(get_ipython(), {self.limits.max_message_bytes}).serve(_grader_socket.socket(fileno={self.rpc_fd}))\n"
        )
        self.client.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        self.serving = True

    def request(
        self, header: dict[str, Any], values: dict[str, Any], timeout: float
    ) -> codec.Message:
        if not self.alive:
            raise SandboxCrashed("the kernel is not running")
        if not self.serving:
            self._start_serving()
        payload = codec.encode_message(header, values, self.limits.max_message_bytes)
        try:
            wire.send_frame(self.ours, payload)
            data = recv_frame_before(
                self.ours, self.limits.max_message_bytes + 1024 * 1024, time.monotonic() + timeout
            )
            return codec.decode_message(data, self.limits.max_message_bytes)
        except (CallTimeout, SandboxCrashed):
            self.kill()
            raise
        except (OSError, codec.DecodeError) as exc:
            self.kill()
            raise SandboxCrashed(f"the kernel sent a broken reply ({exc})") from None

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            self._cleanup()

    def _cleanup(self) -> None:
        try:
            self.ours.close()
        except OSError:
            pass
        try:
            if self.client.kc is not None:
                self.client.kc.stop_channels()
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)

    def close(self) -> None:
        if self.alive and self.serving:
            try:
                wire.send_frame(self.ours, codec.encode_message({"op": "bye"}, {}))
            except OSError:
                pass
        self.kill()


class KernelEngine(Engine):
    name = "kernel"

    def __init__(self, isolation: str = "auto", gpu: bool = False) -> None:
        if isolation == "bwrap":
            raise EngineUnavailable(
                "the kernel engine does not run under bubblewrap yet; use --engine fork for full isolation"
            )

    def start_session(self, limits: Limits) -> Session:
        return KernelSession(limits)

    def isolation(self) -> Isolation:
        return Isolation(
            mechanism="none",
            environment_scrubbed=True,
            process_cleanup="process-group",
            resource_limits=["wall time", "output"],
            missing=[
                "no OS sandbox for the kernel engine (use --engine fork)",
                "network access",
                "private filesystem",
                "unprivileged uid",
                "memory, process, file-size and open-file limits",
            ],
        )
