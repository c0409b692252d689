"""The `kernel` engine: a real ipykernel driven by nbclient, for full Jupyter fidelity.

One kernel per session. Cells run through nbclient's `execute_cell` with a per-cell timeout;
a cell that times out or kills the kernel ends the session (the grader reruns the notebook
without it, as with the fork engine). For the judge's calls, a last cell hands the kernel one
end of a socket pair (inherited at launch) and serves the same agent as the fork engine over it.

Isolation: where bubblewrap works (root, `bwrap` installed) the kernel runs in the same sandbox
as the fork engine's children: new pid/net/ipc/uts namespaces, only /usr and the Python
installation visible (read-only), tmpfs scratch, a dedicated uid with no-new-privs (setpriv),
rlimits set by a first hidden cell before any student cell, and ZeroMQ over unix sockets in a
runtime folder that is the only host path it sees. Ending the session kills bubblewrap, and with
it every process in the pid namespace. Elsewhere the kernel is a plain subprocess with a
scrubbed environment, and its result says what is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from jupyter_core.utils import run_sync

from .base import (
    CallTimeout,
    CellOutcome,
    Engine,
    EngineUnavailable,
    Isolation,
    Limits,
    SandboxCrashed,
    Session,
    call_with_deadline,
)
from .framing import recv_frame_before
from .inside import codec, protocol, wire
from .isolation import (
    INSIDE_DIR,
    bwrap_isolation,
    bwrap_works,
    gpu_environment,
    kernel_bwrap_command,
    lease_kernel_uid,
    without_address_space_cap,
)
from .limits import child_limits

KERNEL_START_TIMEOUT = 60
KILL_WAIT_S = 5.0  # for a SIGKILLed kernel to be reaped
CLEANUP_TIMEOUT = 10.0  # for jupyter_client to close its channels and forget the kernel


def _sandboxed_kernel_manager(workdir: str, uid: int, gpu: bool, scratch_mb: int):
    """A KernelManager whose kernel starts inside bubblewrap and talks over unix sockets."""
    from jupyter_client.manager import AsyncKernelManager

    runtime = os.path.join(workdir, "run")
    os.makedirs(runtime)
    os.chown(runtime, uid, uid)  # the kernel creates its sockets here
    os.chmod(runtime, 0o700)
    os.chmod(workdir, 0o711)
    connection_file = os.path.join(runtime, "kernel.json")

    class SandboxedKernelManager(AsyncKernelManager):
        def write_connection_file(self, **kwargs: Any) -> None:
            super().write_connection_file(**kwargs)
            os.chown(self.connection_file, uid, uid)  # written 0600 by us; the kernel reads it

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return kernel_bwrap_command(
                os.path.abspath(sys.executable), runtime, connection_file, uid, scratch_mb, gpu
            )

    km = SandboxedKernelManager(
        kernel_name="python3", transport="ipc", ip=os.path.join(runtime, "zmq")
    )
    km.connection_file = connection_file
    return km


class KernelSession(Session):
    def __init__(
        self,
        limits: Limits,
        sandboxed: bool = False,
        gpu: bool = False,
        scratch_mb: int = 256,
        uid: int | None = None,
    ) -> None:
        import nbformat
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        self.limits = limits
        self.sandboxed = sandboxed
        self.gpu = gpu
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
        } | (gpu_environment() if gpu else {})
        if sandboxed:
            assert uid is not None
            self.km = _sandboxed_kernel_manager(self.workdir, uid, gpu, scratch_mb)
            env = {}  # the sandbox sets its own (scrubbed) environment
        else:
            # nbclient needs the async manager: with a blocking client, waiting for a dead
            # kernel's output would block its event loop, and the liveness check never runs.
            self.km = AsyncKernelManager(kernel_name="python3")
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.nb, km=self.km, timeout=limits.cell_timeout, allow_errors=True, startup_timeout=KERNEL_START_TIMEOUT,
            interrupt_on_timeout=False, record_timing=False,
        )  # fmt: skip
        try:
            # The kernel's own stdout/stderr go nowhere: cell output arrives over Jupyter's
            # channels, and a submission must not be able to write to the grader's terminal.
            self.client.start_new_kernel(
                cwd=os.path.join(self.workdir, "work"),
                env=env,
                pass_fds=(self.rpc_fd,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._start_client()
            self._confine()
        except Exception as exc:
            self._cleanup()
            raise EngineUnavailable(f"the Jupyter kernel did not start: {exc}") from None
        finally:
            theirs.close()
        self.alive = True
        self.serving = False
        self.cell_count = 0

    def _start_client(self) -> None:
        """nbclient's `start_new_kernel_client`, without the heartbeat channel. That channel is
        a thread that pings the kernel over a REQ socket; a kernel that garbles its sockets (a
        submission writing to every file descriptor) leaves the ping blocked forever, and
        `stop_channels` joins the thread without a time limit. Liveness comes from the process
        instead (nbclient polls `km.is_alive()`)."""
        kc = self.km.client()
        kc.start_channels(hb=False)
        self.client.kc = kc
        run_sync(kc.wait_for_ready)(timeout=KERNEL_START_TIMEOUT)
        kc.allow_stdin = False

    def _confine(self) -> None:
        """Before any student cell: the same rlimits as a fork-engine child (after importing
        torch, so that the address-space cap is what the submission may add on top of it)."""
        limits = child_limits(self.limits, self.gpu)
        code = (
            "import importlib as _g_importlib\n"
            "_g_importlib.import_module('torch')\n"
            "_g_importlib.import_module('inside.confinement').set_limits("
            f"{limits!r})\n"
            "del _g_importlib\n"
        )
        reply = run_sync(self.client.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=KERNEL_START_TIMEOUT
        )
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not set the kernel's limits: {reply['content']}")

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
            self.ours.settimeout(timeout)  # a kernel that stops reading must not block the send
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

    def abort(self) -> None:
        """Any thread: end every wait on this kernel now, by killing its processes (nbclient
        then finds the kernel dead) and shutting the call socket down (a pending read ends)."""
        self._kill_processes()
        try:
            self.ours.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            self._cleanup()

    def _kernel_process(self) -> subprocess.Popen | None:
        return getattr(getattr(self.km, "provisioner", None), "process", None)

    def _kill_processes(self) -> None:
        """SIGKILL the kernel's process group: bubblewrap, or the plain kernel and every process
        it started (jupyter_client launches it in a session of its own)."""
        process = self._kernel_process()
        if process is None or process.returncode is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            try:
                process.kill()
            except OSError:
                pass

    def _cleanup(self) -> None:
        """Kill first, then let the libraries tidy up, each step with a time limit: closing
        channels or shutting a kernel down must never wait on a kernel that does not answer."""
        self._kill_processes()
        process = self._kernel_process()
        if process is not None:
            try:
                process.wait(timeout=KILL_WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        try:
            self.ours.close()
        except OSError:
            pass

        def tidy() -> None:
            if self.client.kc is not None:
                self.client.kc.stop_channels()
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)

        call_with_deadline(tidy, CLEANUP_TIMEOUT)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def close(self) -> None:
        if self.alive and self.serving:
            try:
                self.ours.settimeout(1.0)
                wire.send_frame(self.ours, codec.encode_message({protocol.OP: protocol.BYE}, {}))
            except OSError:
                pass
        self.kill()


class KernelEngine(Engine):
    name = "kernel"

    def __init__(self, isolation: str = "auto", gpu: bool = False, scratch_mb: int = 256) -> None:
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError(isolation)
        ok, why = bwrap_works() if isolation != "none" else (False, "isolation was turned off")
        if ok and not shutil.which("setpriv"):
            ok, why = False, "setpriv (util-linux) is not installed"
        if isolation == "bwrap" and not ok:
            raise EngineUnavailable(why)
        self.sandboxed = ok
        self.why_not = why
        self.uid_lease = lease_kernel_uid() if ok else None
        self.gpu = gpu
        self.scratch_mb = scratch_mb

    def start_session(self, limits: Limits) -> Session:
        uid = self.uid_lease.uids[0] if self.uid_lease is not None else None
        return KernelSession(limits, self.sandboxed, self.gpu, self.scratch_mb, uid)

    def close(self) -> None:
        if self.uid_lease is not None:
            self.uid_lease.release()
            self.uid_lease = None

    def isolation(self) -> Isolation:
        if self.sandboxed:
            # The kernel engine has no control group: on CUDA, no memory cap at all.
            isolation = bwrap_isolation()
            return without_address_space_cap(isolation, False) if self.gpu else isolation
        return Isolation(
            mechanism="none",
            environment_scrubbed=True,
            process_cleanup="process-group",
            resource_limits=["wall time", "output"],
            missing=[
                f"no OS sandbox: {self.why_not}",
                "network access",
                "private filesystem",
                "unprivileged uid",
                "memory, process, file-size and open-file limits",
            ],
        )
