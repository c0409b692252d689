"""The `fork` engine: one warm zygote per engine, one forked child per submission.

Lifecycle (like nbclient's client: explicit, with a timeout at every wait):

    engine = ForkEngine()            # starts the zygote lazily, on the first session
    session = engine.start_session(limits)
    session.run_cell(source, timeout)   # -> CellOutcome (timeout / crashed kill the child)
    session.request(header, values, timeout)
    session.close()                  # kills every process of the submission, wipes its scratch
    engine.close()                   # stops the zygote
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from typing import TYPE_CHECKING, Any

from .base import (
    CallTimeout,
    CellOutcome,
    Engine,
    EngineUnavailable,
    Isolation,
    Limits,
    SandboxCrashed,
    Session,
    cell_outcome_from_reply,
)
from .cgroups import SandboxCgroup, cgroups_available, prefer_not_to_oom_kill
from .framing import recv_frame_before
from .inside import protocol, wire
from .inside.protocol import PRELOADABLE, PRELOADABLE_MODULES
from .isolation import (
    LaunchPlan,
    UidLease,
    lease_fork_uids,
    plan_launch,
    without_address_space_cap,
)
from .limits import child_limits

if TYPE_CHECKING:
    from .inside import codec


_CODEC = None


def _codec():
    """The codec, imported on first use: it imports torch (~2 s), and `grader grade` starts
    its zygote before that, so the two imports overlap (docs/performance.md, the cold path)."""
    global _CODEC
    if _CODEC is None:
        from .inside import codec

        _CODEC = codec
    return _CODEC


# Beyond what the zygote uses once warm and what a submission may add (Limits.memory_mb): room
# for the next child warming up and for the kernel's bookkeeping, in the engine's memory cap.
CGROUP_MEMORY_SLACK_MB = 512
CGROUP_EXTRA_TASKS = 64

ZYGOTE_START_TIMEOUT = 120.0
CONTROL_TIMEOUT = 30.0
CALL_SPIN_S = 0.002  # see ForkEngine.spin_s
# A zygote that serves one submission after another as they come (`grader serve`) imports
# everything up front. A batch's zygote imports these on demand instead (ForkEngine.prepare), and
# one started for one notebook only what that notebook imports (preload_for_cells).
DEFAULT_PRELOAD = ("IPython", *PRELOADABLE_MODULES)

_IMPORTED_NAME = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+([A-Za-z_]\w*)|^[ \t]*%(matplotlib)\b", re.M
)


def preload_for_cells(sources: list[str]) -> tuple[str, ...]:
    """The modules of PRELOADABLE (only those, never a module a notebook names otherwise) that
    these cells import: worth importing in the zygote, since every child of the notebook would
    import them anyway. A line such as `import numpy, pandas` names only its first module: the
    rest are imported by the child."""
    names = {
        m.group(1) or m.group(2) for source in sources for m in _IMPORTED_NAME.finditer(source)
    }
    return tuple(
        module for name, modules in PRELOADABLE.items() if name in names for module in modules
    )


class ForkSession(Session):
    def __init__(self, engine: ForkEngine, sock: socket.socket, pid: int, limits: Limits) -> None:
        self.engine = engine
        self.sock = sock
        self.pid = pid
        self.limits = limits
        self.alive = True

    def _exchange(self, payload: bytes, timeout: float) -> codec.Message:
        if not self.alive:
            raise SandboxCrashed("the student's process is no longer running")
        try:
            self.sock.settimeout(timeout)
            wire.send_frame(self.sock, payload)
            wire.spin_until_readable(self.sock, self.engine.spin_s)
            data = recv_frame_before(
                self.sock, self.limits.max_message_bytes + 1024 * 1024, time.monotonic() + timeout
            )
        except (CallTimeout, SandboxCrashed):
            self.kill()
            raise
        except OSError as exc:
            self.kill()
            raise SandboxCrashed(f"the connection to the student's process broke ({exc})") from None
        try:
            return self._decode(data)
        except _codec().DecodeError as exc:
            self.kill()
            raise SandboxCrashed(f"the student's process sent a malformed reply ({exc})") from None

    def _decode(self, data: bytearray) -> codec.Message:
        """A reply of the child's, decoded (DecodeError when malformed), its hint of the modules
        it imported by itself passed on to the engine."""
        message = _codec().decode_message(data, self.limits.max_message_bytes)
        self.engine.note_late_imports(message.header)
        return message

    def run_cell(self, source: str, timeout: float) -> CellOutcome:
        outcomes = self.run_cells([source], timeout, math.inf)
        if not outcomes:  # a time limit of 0 s
            return CellOutcome("timeout", {"type": "Timeout", "message": "no time for the cell"})
        return outcomes[0]

    def run_cells(self, sources: list[str], timeout: float, deadline: float) -> list[CellOutcome]:
        """All cells in one request; the child answers each as it finishes, without waiting
        for the judge in between (a round trip per cell costs ~0.2 ms). Each cell's time limit
        starts when the previous cell's answer arrives."""
        if not sources or deadline <= time.monotonic():
            return []
        if not self.alive:
            message = "the student's process is no longer running"
            return [CellOutcome("crashed", {"type": "Crashed", "message": message})]
        try:
            self.sock.settimeout(CONTROL_TIMEOUT)
            wire.send_frame(
                self.sock,
                _codec().encode_message({protocol.OP: protocol.RUN_CELLS, "sources": sources}, {}),
            )
        except OSError as exc:
            self.kill()
            message = f"the connection to the student's process broke ({exc})"
            return [CellOutcome("crashed", {"type": "Crashed", "message": message})]
        outcomes: list[CellOutcome] = []
        for _ in sources:
            started = time.monotonic()
            limit = min(timeout, deadline - started)
            if limit <= 0:
                self.kill()  # it is already running the next cell
                break
            try:
                data = recv_frame_before(
                    self.sock, self.limits.max_message_bytes + 1024 * 1024, started + limit
                )
                outcomes.append(cell_outcome_from_reply(self._decode(data)))
            except CallTimeout:
                self.kill()
                message = f"the cell ran longer than {limit:g} s"
                outcome = CellOutcome("timeout", {"type": "Timeout", "message": message})
            except (SandboxCrashed, _codec().DecodeError) as exc:
                self.kill()
                outcome = CellOutcome("crashed", {"type": "Crashed", "message": str(exc)})
            else:
                continue
            outcome.seconds = time.monotonic() - started
            outcomes.append(outcome)
            break
        return outcomes

    def request(
        self, header: dict[str, Any], values: dict[str, Any], timeout: float
    ) -> codec.Message:
        try:
            payload = _codec().encode_message(header, values, self.limits.max_message_bytes)
        except _codec().EncodeError as exc:
            raise ValueError(f"check arguments cannot be sent: {exc}") from None
        return self._exchange(payload, timeout)

    def abort(self) -> None:
        """Any thread: shut the socket down, so a pending read ends at once (the owner then
        kills the child through the zygote). The fd stays open until the owner closes it."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            self.engine.end_submission()
            self.sock.close()

    def close(self) -> None:
        if self.alive:
            try:
                self.sock.settimeout(1.0)
                wire.send_frame(self.sock, _codec().encode_message({protocol.OP: protocol.BYE}, {}))
            except OSError:
                pass
        self.kill()


class ForkEngine(Engine):
    name = "fork"

    def __init__(
        self,
        isolation: str = "auto",
        preload: tuple[str, ...] = DEFAULT_PRELOAD,
        gpu: bool = False,
        scratch_mb: int = 256,
        warm_children: bool = True,
        lean: bool = False,
        meta: bool | None = None,
    ) -> None:
        """`warm_children` (latency mode): each forked child runs a small warm-up while it
        waits (4-8 ms less latency per submission, ~8 ms more CPU), and judge and child poll
        for each other's messages (`spin_s`): off for batch workers, which are CPU-bound.

        `lean`: started for one notebook (`grader grade`, `grader ci`), so the zygote skips
        what pays back only over many submissions: the meta device's first use (~0.45 s, it
        imports sympy; a check that needs it pays it in the child instead), the
        huge-page collapse (~0.5 s), the warm-up of otter's check machinery and of a failing
        cell; `preload` is then what that notebook imports (preload_for_cells).

        `meta`: warm the meta device at the start (default: unless lean). A batch's engine
        starts without it and without the modules of PRELOADABLE_MODULES, and adds each when
        the first submission that needs it comes (`prepare`). docs/performance.md has the
        figures."""
        if not hasattr(os, "fork"):
            raise EngineUnavailable("the fork engine needs a POSIX system; use --engine kernel")
        self.want_isolation = isolation
        self.preload = preload
        self.gpu = gpu
        self.scratch_mb = scratch_mb
        self.warm_children = warm_children
        self.lean = lean
        self.meta = (not lean) if meta is None else meta
        # What the running zygote has: the modules it imported (or was asked for once: one that
        # failed to import is not asked for again), and whether the meta device is warm.
        self.loaded: set[str] = set()
        self.meta_warm = False
        # Modules of PRELOADABLE_MODULES that a child imported by itself (its replies say so,
        # protocol.LATE_IMPORTS): `prepare` has the zygote import them for the next children.
        # Kept when a zygote is replaced: the next one will need them as well.
        self.late_imports: set[str] = set()
        # Latency mode: judge and child poll for each other's messages for a moment before
        # sleeping (wire.spin_until_readable): 3-6 ms less per grading for ~30 ms more CPU,
        # measured side by side. Not for batch workers, which are CPU-bound.
        self.spin_s = CALL_SPIN_S if warm_children else 0.0
        self.plan: LaunchPlan | None = None
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.info: dict[str, Any] = {}
        self.uid_lease: UidLease | None = None  # this engine's own pair of child uids
        self.cgroup: SandboxCgroup | None = None
        self.cgroup_problem = ""
        self.baseline_memory = 0
        self.baseline_tasks = 0
        # Replies the zygote still owes us: a "kill" is sent without waiting (the zygote kills
        # and wipes while the judge builds the result); its reply is read before the next request.
        self.pending_replies = 0
        self.zygote_starts = 0
        self.launching: socket.socket | None = None  # launched, not yet ready (see launch())

    # -- zygote lifecycle ----------------------------------------------------------------------

    def _zygote_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.control is not None

    def launch(self) -> None:
        """Start the zygote now, without waiting for it to import torch and warm up (seconds):
        the first session, or isolation(), waits for it."""
        if self.launching is None and not self._zygote_alive():
            self._launch_zygote()

    def _start_zygote(self) -> None:
        if self.launching is None:
            self._launch_zygote()
        self._await_zygote()

    def _launch_zygote(self) -> None:
        self._stop_zygote()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if self.uid_lease is None:
            self.uid_lease = lease_fork_uids()
        plan = plan_launch(
            "zygote",
            [str(theirs.fileno())],
            want=self.want_isolation,
            scratch_mb=self.scratch_mb,
            gpu=self.gpu,
            uids=self.uid_lease.uids,
        )
        options = {
            "preload": list(self.preload),
            "scratch_root": plan.scratch_root,
            "wipe": plan.wipe,
            "kill_mode": plan.kill_mode,
            "uid": plan.uid,
            "child_uids": list(plan.child_uids),
            "warm_children": self.warm_children,
            "spin_s": self.spin_s,
            "gpu": self.gpu,
            "lean": self.lean,
            "meta": self.meta,
            "launched_at": time.time(),
        }
        self.plan = plan
        ok, self.cgroup_problem = cgroups_available()
        cgroup = SandboxCgroup(f"fork-{os.getpid()}-{id(self):x}") if ok else None

        def confine() -> None:  # in the sandbox's first process, before exec
            prefer_not_to_oom_kill()
            if cgroup is not None:
                cgroup.join()

        try:
            self.process = subprocess.Popen(
                plan.argv,
                env=plan.env or {},
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=confine,
            )
        except OSError as exc:
            ours.close()
            if cgroup is not None:
                cgroup.close()
            raise EngineUnavailable(f"cannot start the sandbox: {exc}") from None
        finally:
            theirs.close()
        self.cgroup = cgroup
        self.launching = ours
        ours.settimeout(ZYGOTE_START_TIMEOUT)
        try:
            ours.send(json.dumps(options).encode())  # the zygote's first read
        except OSError:
            pass  # it died at once: _await_zygote reports why

    def _await_zygote(self) -> None:
        ours, self.launching = self.launching, None
        assert ours is not None and self.process is not None
        try:
            ready = ours.recv(65536)
        except (TimeoutError, OSError):
            ready = b""
        if not ready:
            ours.close()
            stderr = b""
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if self.process.poll() is not None and self.process.stderr is not None:
                stderr = self.process.stderr.read()[-2000:]
            self._stop_zygote()
            raise EngineUnavailable(
                f"the sandbox did not start: {stderr.decode(errors='replace').strip() or 'no answer'}"
            )
        self.info = json.loads(ready)
        self.loaded = set(self.info.get("preloaded", []))
        self.meta_warm = self.meta
        if self.cgroup is not None:
            self.baseline_memory = self.cgroup.memory_usage()
            self.baseline_tasks = _tasks_in(self.cgroup)
        # The zygote's stderr is not read from now on: close our end so it can never block.
        if self.process.stderr is not None:
            self.process.stderr.close()
            self.process.stderr = None
        self.control = ours
        self.zygote_starts += 1

    def _stop_zygote(self) -> None:
        if self.launching is not None:
            self.launching.close()
            self.launching = None
        if self.control is not None:
            try:
                self.control.settimeout(2.0)
                self.control.send(json.dumps({protocol.OP: protocol.EXIT}).encode())
            except OSError:
                pass
            self.control.close()
            self.control = None
        self.pending_replies = 0
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait(timeout=10)
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        if self.plan is not None:
            if self.plan.kill_mode == "all" and self.plan.isolation.mechanism == "none":
                for uid in {*self.plan.child_uids, self.plan.uid} - {None}:
                    kill_uid(uid)
            if self.plan.host_scratch is not None:
                shutil.rmtree(self.plan.host_scratch, ignore_errors=True)
        if self.cgroup is not None:
            self.cgroup.close()
            self.cgroup = None

    def _control(
        self, message: dict[str, Any], fds: list[int] | None = None, *, wait: bool = True
    ) -> dict[str, Any]:
        """Send one control message; with `wait`, return its reply (after any owed ones)."""
        assert self.control is not None
        self.control.settimeout(CONTROL_TIMEOUT)
        try:
            if fds:
                socket.send_fds(self.control, [json.dumps(message).encode()], fds)
            else:
                self.control.send(json.dumps(message).encode())
            if not wait:
                self.pending_replies += 1
                return {}
            while self.pending_replies:
                if not self.control.recv(65536):
                    raise OSError("closed")
                self.pending_replies -= 1
            reply = self.control.recv(65536)
        except OSError:
            reply = b""
        if not reply:
            raise SandboxCrashed("the sandbox's zygote stopped")
        return json.loads(reply)

    # -- sessions ---------------------------------------------------------------------------------

    def start_session(self, limits: Limits) -> Session:
        for attempt in range(2):
            if not self._zygote_alive():
                self._start_zygote()
            self._cap_cgroup(limits)
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                reply = self._control(
                    {protocol.OP: protocol.SPAWN, "limits": child_limits(limits, self.gpu)},
                    [theirs.fileno()],
                )
            except SandboxCrashed:
                ours.close()
                self._stop_zygote()
                if attempt:
                    raise
                continue
            finally:
                theirs.close()
            return ForkSession(self, ours, int(reply["pid"]), limits)
        raise SandboxCrashed("the sandbox could not start a child")

    def prepare(self, sources: list[str], meta: bool = False) -> None:
        """Before the next submission, whose cells are `sources`: have the zygote import the
        modules of PRELOADABLE they import and those an earlier child imported by itself
        (`late_imports`: torch._dynamo), and warm the meta device if `meta` (the assignment's
        checks pass meta tensors), where it has not yet. A batch's zygote starts with none of
        them, so each is paid once, by the first submission that needs it (torch._dynamo: by
        the first one after a child needed it), and never by a batch that does not. A lean
        engine has what its one notebook imports; a meta check pays ~0.4 s in that notebook's
        child."""
        if self.lean:
            return
        if not self._zygote_alive():
            self._start_zygote()
        if self.meta_warm and self.loaded.issuperset(PRELOADABLE_MODULES):
            return  # all there (`grader serve`'s zygote): no need to read the cells
        modules = [m for m in preload_for_cells(sources) if m not in self.loaded]
        modules += sorted(self.late_imports - self.loaded - set(modules))
        meta = meta and not self.meta_warm
        if not modules and not meta:
            return
        try:
            self._control({protocol.OP: protocol.PRELOAD, "modules": modules, "meta": meta})
        except SandboxCrashed:
            self._stop_zygote()  # the next session starts a fresh one
            return
        self.loaded.update(modules)
        self.meta_warm = self.meta_warm or meta
        if self.cgroup is not None:  # the imports grew the zygote: a child's allowance is on top
            self.baseline_memory = self.cgroup.memory_usage()

    def note_late_imports(self, header: dict[str, Any]) -> None:
        """Remember the modules a child reports it imported by itself (a hint from untrusted
        code: at worst the zygote imports one more module of the fixed list, once)."""
        late = header.get(protocol.LATE_IMPORTS)
        if type(late) is list:
            self.late_imports.update(m for m in late if m in PRELOADABLE_MODULES)

    def _cap_cgroup(self, limits: Limits) -> None:
        """All the sandbox's processes together: what the warm zygote uses, plus what this
        submission may add (its processes share Limits.memory_mb and max_processes)."""
        if self.cgroup is None:
            return
        slack = CGROUP_MEMORY_SLACK_MB * 1024 * 1024
        self.cgroup.set_memory_limit(self.baseline_memory + limits.memory_mb * 1024 * 1024 + slack)
        self.cgroup.set_pids_limit(self.baseline_tasks + limits.max_processes + CGROUP_EXTRA_TASKS)

    def end_submission(self) -> None:
        """Kill every process of the current submission and wipe its files."""
        if not self._zygote_alive():
            self._stop_zygote()
            return
        try:
            self._control({protocol.OP: protocol.KILL}, wait=False)
        except SandboxCrashed:
            # A student process killed the zygote: start afresh (which also kills stragglers).
            self._stop_zygote()

    def isolation(self) -> Isolation:
        if self.plan is None or self.launching is not None:
            self._start_zygote()
        assert self.plan is not None
        isolation = self.plan.isolation
        if self.gpu:  # no address-space cap with CUDA (limits.child_limits)
            isolation = without_address_space_cap(isolation, self.cgroup is not None)
        if self.cgroup is not None:
            limits = [*isolation.resource_limits, "memory of all processes", "task count"]
            return dataclasses.replace(isolation, resource_limits=limits)
        missing = f"a memory cap over all of a submission's processes ({self.cgroup_problem})"
        return dataclasses.replace(isolation, missing=[*isolation.missing, missing])

    def close(self) -> None:
        self._stop_zygote()
        if self.uid_lease is not None:
            self.uid_lease.release()
            self.uid_lease = None


def _tasks_in(cgroup: SandboxCgroup) -> int:
    try:
        return int((cgroup.dirs["pids"] / "pids.current").read_text())
    except (OSError, ValueError):
        return 64


def kill_uid(uid: int) -> None:
    """Kill every process of a dedicated uid (no-bwrap mode, as root), from a helper that has
    dropped to that uid, so that kill(-1) reaches that uid's processes and nothing else."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(20):
                os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
