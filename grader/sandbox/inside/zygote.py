"""The warm zygote: imports torch and IPython once, then forks one child per submission.

Run as `python -m inside.zygote CONTROL_FD` inside the sandbox. The grader talks to it over
CONTROL_FD (a SOCK_SEQPACKET socket, one JSON message per packet). The first message holds the
options (uid to drop to, modules to preload, scratch folder, kill mode); the zygote answers
{"ready": true, ...} once warm, then serves:

    {"op": "spawn", "limits": {...}}  + one fd (the child's RPC socket)  -> {"pid": N}
    {"op": "kill"}      kill every process of the submission, wipe the scratch  -> {"killed": n}
    {"op": "exit"}

Children are forked *before* they are needed: each one confines itself (its uid, its own
scratch folder, no-new-privs) and, unless told not to, warms up; then it waits for a
submission. When the zygote is root (always under bubblewrap) children alternate between two
dedicated uids, so the next child is forked while the current one is graded.

The child runs the cells and answers the judge's requests over its own RPC socket (see agent.py).
CUDA is never initialised here: only a child that receives a CUDA tensor initialises it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import linecache
import os
import re
import resource
import shutil
import signal
import socket
import sys
import tempfile
import time

PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def drop_privileges(uid: int, gid: int) -> None:
    """Become an unprivileged user for good; setuid binaries can no longer raise privileges."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("zygote: could not drop root privileges")


def _preload(options: dict) -> dict:
    """Import what every submission uses, so children start warm."""
    started = time.perf_counter()
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(1)
    # Warm the code paths every child would otherwise pay for on first use (the meta device
    # costs about a second the first time).
    torch.zeros_like(torch.empty(2, device="meta"))
    torch.cat([torch.empty(1, 1, device="meta")] * 2, dim=1)  # ~3 s on first use otherwise
    if not options.get("gpu"):
        # Not where children use CUDA: the first backward starts autograd's device threads,
        # which counts the CUDA devices, which initialises the driver; a forked child can then
        # neither use CUDA ("initialization error") nor autograd ("autograd's threading in
        # combination with fork-based multiprocessing"). Each child pays it once instead.
        (torch.ones(2, requires_grad=True) * 2).sum().backward()
    loaded = ["torch", "numpy"]
    for name in options.get("preload", []):
        try:
            __import__(name)
            loaded.append(name)
        except Exception:
            pass
    if "otter" in loaded:
        skip_otter_client_log()
    skip_stat_of_installed_sources()
    return {"preloaded": loaded, "seconds": time.perf_counter() - started}


def skip_stat_of_installed_sources() -> None:
    """Make `linecache.checkcache()` stop re-reading the modification time of Python's and the
    installed packages' source files.

    Each doctest (an otter check in a check cell the student edited; grading skips the bare
    `grader.check` cells) runs it through its debugger's reset, and each traceback's formatting
    once more; it stats every file in the cache, and tracebacks (an expected `RuntimeError` in a
    public test) fill the cache with torch's sources: ~400 stats per submission when every
    check cell ran. Those files are mounted read-only in the sandbox, so their lines cannot
    change; files a submission writes (in its scratch folder) are still checked as before.
    """
    installed = tuple(
        {os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr")}
    )
    check = linecache.checkcache

    def checkcache(filename: str | None = None) -> None:
        if filename is not None:
            if not filename.startswith(installed):
                check(filename)
            return
        for name in list(linecache.cache):
            if not name.startswith(installed):
                check(name)

    linecache.checkcache = checkcache


def skip_otter_client_log() -> None:
    """Make otter's `Notebook.check` (run by a check cell the student edited; grading skips the
    bare ones) stop appending to its client log `.OTTER_LOG`.

    That log is for a student's own Jupyter: otter dill-pickles every check's results into it,
    a third of what the public-check cells cost (7-12 ms of a child's CPU per submission of
    ~15 checks, measured side by side when grading ran them all).
    In the sandbox it lands in a scratch folder that is wiped unread, and no score depends on
    it: the judge runs the public checks itself. What a check prints and returns is unchanged.
    """
    try:
        from otter.check.notebook import Notebook
    except Exception:  # another otter layout: keep its log
        return

    def _log_event(self, *args, **kwargs) -> None:
        """Not written in the grading sandbox (see skip_otter_client_log)."""

    Notebook._log_event = _log_event


# What IPython's input transformers act on (see IPython.core.inputtransformer2): a line that
# starts with %, !, ?, /, , or ; (magics, shell commands, help, autocall), `= %` and `= !`
# assignments, any ? (help), prompts pasted from a console or doctest (>>>, ..., In [n]:).
# A cell with none of them, whose first character is not blank, comes out of IPython's
# static transforms as it went in, but for blank-only lines (emptied) and a final newline.
_IPYTHON_SYNTAX = re.compile(r"^[ \t]*([%!?/,;]|>>>|\.\.\.|In \[)|=[ \t]*[%!]|\?", re.MULTILINE)
_BLANK_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)


def plain_python_cell(raw_cell: str) -> str | None:
    """`raw_cell` as IPython's static input transforms would leave it, when they are sure to
    change nothing else; None when IPython's own transforms must run."""
    if not raw_cell or raw_cell[0] in " \t\r\n\f" or _IPYTHON_SYNTAX.search(raw_cell):
        return None
    cell = _BLANK_LINE.sub("", raw_cell)  # as textwrap.dedent does in leading_indent
    return cell if cell.endswith("\n") else cell + "\n"


def _make_shell():
    from IPython.core.interactiveshell import InteractiveShell

    class SandboxShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """`%matplotlib inline` needs no GUI event loop (as in ipykernel)."""

        def transform_cell(self, raw_cell):
            """IPython's transform, but for a cell of plain Python (most cells) its static
            transforms are skipped: they tokenize every cell, and in a freshly forked child
            that cost ~10 ms of CPU and latency per submission (measured side by side). As
            in IPython, a single line then goes through the prefilter (automagic: `pwd`);
            once the submission changes IPython's transformers, every cell goes through them.
            """
            cell = plain_python_cell(raw_cell)
            if cell is None or self._transformers_changed():
                return super().transform_cell(raw_cell)
            if len(cell.splitlines()) == 1:
                with self.builtin_trap:
                    cell = self.prefilter_manager.prefilter_lines(cell) + "\n"
            return cell

        def should_run_async(
            self, raw_cell, *, transformed_cell=None, preprocessing_exc_tuple=None
        ):
            """No top-level `await`/`async` in the text, no need to compile the cell to know."""
            if "await" not in raw_cell and "async" not in raw_cell:
                return False
            return super().should_run_async(
                raw_cell,
                transformed_cell=transformed_cell,
                preprocessing_exc_tuple=preprocessing_exc_tuple,
            )

        def _transformers_changed(self) -> bool:
            return self._transformers() != self._default_transformers

        def _transformers(self) -> tuple:
            manager = self.input_transformer_manager
            return (
                manager,
                tuple(manager.cleanup_transforms),
                tuple(manager.line_transforms),
                tuple(manager.token_transformers),
                tuple(self.input_transformers_post),
            )

    # No history database, no colours: the shell only runs cells.
    shell = SandboxShell.instance(colors="nocolor")
    shell._default_transformers = shell._transformers()
    shell.history_manager.enabled = False
    # A displayed value is only ever read as text (the tail of a cell's output): do not also
    # render it as HTML, Markdown, LaTeX, PNG... (a DataFrame's HTML alone costs milliseconds).
    shell.display_formatter.active_types = ["text/plain"]
    return shell


MADV_COLLAPSE = 25  # Linux >= 6.1
HUGE_PAGE = 2 * 1024 * 1024


def collapse_into_huge_pages() -> int:
    """Back this process's private anonymous memory with 2 MB pages; returns how many bytes.

    Forking copies one page-table entry per mapped 4 kB page and a child's exit drops them
    again: for the ~290 MB a warm zygote holds, 512 times fewer entries made a fork ~5 -> ~2.5 ms
    and a child's exit ~11 -> ~6.5 ms of CPU, per submission. A child that writes to such a page
    still gets its own 4 kB copy. Best effort: a kernel without MADV_COLLAPSE changes nothing.
    (Only collapsed, not marked MADV_HUGEPAGE: the children's own new memory stays in 4 kB pages.)
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open("/proc/self/maps") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return 0
    collapsed = 0
    for line in lines:
        fields = line.split()
        path = fields[5] if len(fields) > 5 else ""
        if len(fields) < 5 or fields[1] != "rw-p" or path not in ("", "[heap]"):
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        first = -(-start // HUGE_PAGE) * HUGE_PAGE
        last = end // HUGE_PAGE * HUGE_PAGE
        if last > first and libc.madvise(first, last - first, MADV_COLLAPSE) == 0:
            collapsed += last - first
    return collapsed


def _set_limits(limits: dict) -> None:
    def cap(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    mb = 1024 * 1024
    if limits.get("memory_mb") and limits.get("cap_address_space", True):
        # Address space: what the process already maps (torch is large) plus the allowance.
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        cap(resource.RLIMIT_AS, pages * resource.getpagesize() + int(limits["memory_mb"]) * mb)
    if limits.get("max_file_mb"):
        cap(resource.RLIMIT_FSIZE, int(limits["max_file_mb"]) * mb)
    if limits.get("max_open_files"):
        cap(resource.RLIMIT_NOFILE, int(limits["max_open_files"]))
    if limits.get("max_processes") and os.getuid() != 0:
        # Counts every process and thread of this uid, the zygote's included.
        cap(resource.RLIMIT_NPROC, int(limits["max_processes"]) + _thread_count())
    if limits.get("cpu_seconds"):
        cap(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    cap(resource.RLIMIT_CORE, 0)


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task")) + 8
    except OSError:
        return 16


def prepare_child(uid: int | None, scratch_root: str) -> str:
    """In a freshly forked child, before any submission is known: confine it.

    Returns the child's private scratch folder. Everything here is the grader's own code; the
    student's first cell runs only after `serve_child` received the limits and the RPC socket.
    """
    os.setsid()
    libc = ctypes.CDLL(None)
    # If the zygote dies (a student may kill it), the child must not outlive it.
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The zygote is the OOM killer's last choice (-1000, inherited); a submission's processes
    # are its first, so a memory cap kills the student's code, never the zygote.
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass
    if uid is not None:
        drop_privileges(uid, uid)
    else:
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    # A random name created with mkdir (mode 0700): another submission cannot squat it.
    scratch = tempfile.mkdtemp(prefix="s", dir=scratch_root)
    for sub in ("work", "tmp", "data", "home"):
        os.makedirs(os.path.join(scratch, sub), exist_ok=True)
    os.chdir(os.path.join(scratch, "work"))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ.update(
        {
            "HOME": os.path.join(scratch, "home"),
            "TMPDIR": os.path.join(scratch, "tmp"),
            "MPLBACKEND": "Agg",
        }
    )
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with EFBIG instead
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - input() must fail at once, not block
    return scratch


def warm_up(shell, cells: tuple[str, ...] = ()) -> None:
    """Run, once in the zygote, what nearly every submission does: what that initialises on
    first use (lazy imports, the agent's modules compiled, regular expressions, caches) is then
    inherited by every child instead of being redone in each.

    Each child also runs `CHILD_WARM_UP_CELLS` (unless the engine says not to), to take some
    copy-on-write page faults before its submission arrives. Measured side by side: the small
    cell and call give 1-4 ms less latency for 2-3 ms more CPU; worth it when one submission is
    graded, not in a busy batch. (The zygote's other warm-up cells as well: 51 ms more CPU for
    under 1 ms less latency. The otter check gave 3-4 ms for ~6 ms CPU while grading ran the
    notebooks' `grader.check` cells; it no longer does, see execute.py.)"""
    from . import codec
    from .agent import Agent

    if shell is None:
        return
    saved = dict(shell.user_ns)
    agent = Agent(shell=shell)
    for source in cells:
        agent.handle(codec.encode_message({"op": "run_cell", "source": source}, {}))
    agent.handle(
        codec.encode_message(
            {"op": "call", "name": "_warm_up"}, {"args": (WARM_UP_ARG,), "kwargs": {}}
        )
    )
    shell.user_ns.clear()
    shell.user_ns.update(saved)


WARM_UP_CELL = """import torch
def _warm_up(x):
    return x.reshape(2, 2).T.sum(dim=0) * 2
_warm_up(torch.arange(4.0))
"""
WARM_UP_ARG = None  # set by the zygote once torch is imported

# An otter public check, as every template's check cells run it.
OTTER_CHECK_CELL = """import os as _os, shutil as _shutil, tempfile as _tempfile
import otter as _otter
_test = {"name": "warm", "points": 1.0, "suites": [{"type": "doctest", "scored": True,
    "setup": "", "teardown": "", "cases": [{"code": ">>> _warm_up(torch.arange(4.0))\\n"
    "tensor([ 2., 10.])\\n", "hidden": False, "locked": False, "points": 1.0}]}]}
_cwd, _dir = _os.getcwd(), _tempfile.mkdtemp()
try:
    _os.chdir(_dir)
    with open("warm.py", "w", encoding="utf-8") as _f:
        _f.write("OK_FORMAT = True\\ntest = " + repr(_test) + "\\n")
    _result = _otter.Notebook(tests_dir=_dir).check("warm")
finally:
    _os.chdir(_cwd)
    _shutil.rmtree(_dir, ignore_errors=True)
_result
"""
# What the chapter's notebooks do in nearly every cell: a failing cell, a displayed tensor, the
# pandas preprocessing section; and otter's public checks, which grading runs only for a check
# cell the student changed.
ZYGOTE_WARM_UP_CELLS = (
    WARM_UP_CELL,
    OTTER_CHECK_CELL,
    "_warm_up(None)",
    """import pandas as _pd
_frame = _pd.DataFrame({"a": [1.0, None, 3.0], "b": ["x", None, "y"]})
_frame = _pd.get_dummies(_frame.fillna(_frame.mean(numeric_only=True)), dummy_na=True)
print(_frame.iloc[:, 0:2])
torch.tensor(_frame.to_numpy(dtype=float), dtype=torch.float32)
""",
)
CHILD_WARM_UP_CELLS = (WARM_UP_CELL,)


def serve_child(handoff: socket.socket, shell, spin_s: float = 0.0) -> None:
    """Wait for the submission (limits + the RPC socket), then serve the judge until bye."""
    data, fds, _, _ = socket.recv_fds(handoff, 65536, 1)
    handoff.close()
    if not data or not fds:
        return
    limits = json.loads(data)
    _set_limits(limits)
    from .agent import Agent

    sock = socket.socket(fileno=fds[0])
    max_bytes = int(limits.get("max_message_bytes", 64 * 1024 * 1024))
    Agent(shell=shell, max_bytes=max_bytes, spin_s=spin_s).serve(sock)


class WarmChild:
    """The zygote's handle on a forked, confined child that waits for a submission."""

    def __init__(self, pid: int, handoff: socket.socket, uid: int | None) -> None:
        self.pid = pid
        self.handoff = handoff
        self.uid = uid


def fork_child(
    control: socket.socket,
    uid: int | None,
    scratch_root: str,
    shell,
    warm: bool,
    spin_s: float = 0.0,
) -> WarmChild:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            control.close()
            ours.close()
            for janitor in JANITORS.values():
                if janitor.sock is not None:
                    janitor.sock.close()
            prepare_child(uid, scratch_root)
            if warm:
                warm_up(shell, CHILD_WARM_UP_CELLS)
            serve_child(theirs, shell, spin_s)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    return WarmChild(pid, ours, uid)


def hand_over(child: WarmChild, limits: dict, rpc_fd: int) -> bool:
    try:
        socket.send_fds(child.handoff, [json.dumps(limits).encode()], [rpc_fd])
    except OSError:
        return False  # the warm child died (killed from outside): the caller forks another
    finally:
        child.handoff.close()
    return True


def clean_up_uid(uid: int, leftovers: list[str]) -> None:
    """As `uid`: kill its processes, delete what it left, remove its System V IPC objects."""
    _kill_uid_processes(uid)
    for path in leftovers:
        _remove(path)
    _remove_ipc_objects(uid)


class Janitor:
    """A small process per child uid, forked before the zygote imports torch (so it costs
    little to fork), that runs `clean_up_uid` on request. Forking the warm zygote for every
    clean-up costs ~15 ms of page-table copying; asking the janitor costs ~1 ms.

    It runs as the submission's uid, not dumpable: the submission's processes can kill it (or
    stop it), which only sends the zygote back to the slow path (`JANITOR_TIMEOUT`)."""

    def __init__(self, uid: int, control: socket.socket) -> None:
        self.uid = uid
        self.sock: socket.socket | None = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                ours.close()
                libc = ctypes.CDLL(None)
                libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                drop_privileges(uid, uid)
                libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
                while True:
                    data = theirs.recv(1 << 20)
                    if not data:
                        break
                    clean_up_uid(uid, json.loads(data))
                    theirs.send(b"done")
            finally:
                os._exit(0)
        theirs.close()
        self.pid = pid
        self.sock = ours

    def clean_up(self, leftovers: list[str]) -> bool:
        if self.sock is None:
            return False
        try:
            self.sock.settimeout(JANITOR_TIMEOUT)
            self.sock.send(json.dumps(leftovers).encode())
            if self.sock.recv(16) == b"done":
                return True
        except OSError:
            pass
        self.sock.close()  # killed or stopped by the submission: use the slow path from now on
        self.sock = None
        return False


JANITOR_TIMEOUT = 2.0
# After answering a spawn, before forking the next warm child: a unix-socket send wakes the
# judge on this CPU (a "sync" wake-up: the kernel expects the sender to sleep next), so a fork
# right away (~3 ms of page-table copying) kept the judge waiting for it: spawns took 3.6 ms
# (median) instead of 0.9 ms. Sleeping briefly lets the judge send the cells first.
SPAWN_YIELD_S = 0.001
JANITORS: dict[int, Janitor] = {}


def kill_submission(mode: str, child: WarmChild | None, wipe: list[str]) -> int:
    """Kill every process of the submission and remove what it left: files in the shared
    scratch folders, System V IPC objects. The zygote survives."""
    if mode == "uid":
        if child is not None and child.uid is not None:
            _clean_up_as(child.uid, _entries_owned_by(wipe, child.uid))
        _reap()  # the child itself is reaped once its exit completes: now or next time
        return 1 if child is not None else 0
    killed = 0
    if mode == "all":
        # Our uid (or pid namespace) holds nothing but the zygote and the submission's
        # processes: kill(-1) reaches all of them, double-forked daemons included, atomically
        # with respect to fork.
        killed = _kill_all_signalable(reap=True)
    elif child is not None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
        # The zygote is a child subreaper: orphaned daemons of the submission become its
        # children, so walking its descendants finds them.
        for pid in _descendants(os.getpid()):
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    for path in wipe:
        _wipe(path)
    _remove_ipc_objects(os.getuid())
    _reap()
    return killed


def _clean_up_as(uid: int, leftovers: list[str]) -> None:
    """`clean_up_uid` as `uid`: kill(-1) then reaches every process of that uid (double-forked
    daemons included) and nothing else, not even the next warm child, which runs under the
    other uid; and that uid can delete what it made. The leftovers are found by the zygote,
    which may list the scratch root (mode 1733, its own). The uid's janitor does it; a helper
    forked from the zygote when the submission has killed or stopped the janitor."""
    janitor = JANITORS.get(uid)
    if janitor is not None and janitor.clean_up(leftovers):
        return
    helper = os.fork()
    if helper == 0:
        code = 0
        try:
            drop_privileges(uid, uid)
            clean_up_uid(uid, leftovers)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.waitpid(helper, 0)


def _kill_uid_processes(uid: int) -> None:
    """As `uid`: SIGKILL every process of `uid` until none is left running (the killed ones
    stay zombies until the zygote or the subreaper reaps them, which is fine)."""
    for _ in range(100):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return
        if not _running_processes_of(uid):
            return
        time.sleep(0.001)


def _running_processes_of(uid: int) -> list[int]:
    """Processes of `uid` that may still run user code: not zombies, not exiting, no SIGKILL
    pending. A killed process's exit (tearing down its address space, ~10 ms for a torch
    process) need not be waited for: it never runs the student's code again."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uids = fields.get("Uid", "").split()
        if not uids or int(uids[0]) != uid or stat[0] in ("Z", "X"):
            continue
        pending = int(fields.get("SigPnd", "0"), 16) | int(fields.get("ShdPnd", "0"), 16)
        if pending & SIGKILL_BIT or int(stat[6]) & PF_EXITING:
            continue
        found.append(int(entry))
    return found


PF_EXITING = 0x4  # task flag in /proc/PID/stat: the process is in exit()
SIGKILL_BIT = 1 << (signal.SIGKILL - 1)


def _kill_all_signalable(reap: bool = False) -> int:
    """SIGKILL to every process this one may signal, until none is left (or only zombies that
    our parent will reap). Returns how many rounds it took."""
    rounds = 0
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)
            rounds += 1
        except ProcessLookupError:
            break
        if reap:
            _reap()
        time.sleep(0.002)
    return rounds


def _entries_owned_by(folders: list[str], uid: int) -> list[str]:
    found = []
    for folder in folders:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            try:
                if os.lstat(path).st_uid == uid:
                    found.append(path)
            except OSError:
                pass
    return found


def _remove(path: str) -> None:
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


IPC_RMID = 0


def _remove_ipc_objects(uid: int) -> None:
    """Remove the System V shared memory segments, message queues and semaphore sets that `uid`
    owns or created: the IPC namespace is the zygote's, shared by every submission."""
    libc = ctypes.CDLL(None, use_errno=True)
    removers = {
        "shm": lambda ident: libc.shmctl(ident, IPC_RMID, None),
        "msg": lambda ident: libc.msgctl(ident, IPC_RMID, None),
        "sem": lambda ident: libc.semctl(ident, 0, IPC_RMID, 0),
    }
    for kind, remove in removers.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                lines = table.read().splitlines()
        except OSError:
            continue
        if not lines:
            continue
        columns = lines[0].split()
        try:
            id_col = 1
            uid_col, cuid_col = columns.index("uid"), columns.index("cuid")
        except ValueError:
            continue
        for line in lines[1:]:
            fields = line.split()
            try:
                if uid in (int(fields[uid_col]), int(fields[cuid_col])):
                    remove(int(fields[id_col]))
            except (IndexError, ValueError):
                pass


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == current and pid not in found:
                found.append(pid)
                frontier.append(pid)
    return found


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _wipe(path: str) -> None:
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for entry in entries:
        _remove(os.path.join(path, entry))


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    options = json.loads(control.recv(65536))
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # Not dumpable: no process of a submission may ptrace the zygote or read its memory, which
    # every later submission is forked from.
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    child_uids = [int(u) for u in options.get("child_uids") or []]
    kill_mode = options.get("kill_mode", "group")
    if child_uids and os.geteuid() == 0:
        # Root (in bubblewrap: with only CAP_SETUID/CAP_SETGID left) that runs no student code:
        # each child drops to one of two uids, alternately, so the next child can be forked
        # while the current one is graded, and killing one never touches the other.
        kill_mode = "uid"
    elif options.get("uid") is not None:
        drop_privileges(int(options["uid"]), int(options["uid"]))
        child_uids = []
    if kill_mode == "all" and os.getuid() == 0:
        kill_mode = "group"  # kill(-1) as root would reach the whole machine
    if kill_mode == "uid":
        for uid in child_uids:
            JANITORS[uid] = Janitor(uid, control)
    info = _preload(options)
    global WARM_UP_ARG
    import torch

    WARM_UP_ARG = torch.arange(4.0)
    shell = _make_shell()
    warm_up(shell, ZYGOTE_WARM_UP_CELLS)
    # Objects that exist now are never collected: the children's garbage collector then does
    # not write to (and so copy) every page the zygote has. No gc.collect() first: it took
    # ~0.2 s of the zygote's start, and the holes it frees would be filled by the children's
    # allocations, copying those pages too (the gc module's documentation advises the same).
    gc.freeze()
    huge = collapse_into_huge_pages()
    info.update(
        {
            "pid": os.getpid(),
            "uid": os.getuid(),
            "python": sys.version.split()[0],
            "kill_mode": kill_mode,
            "huge_page_mb": huge // (1024 * 1024),
        }
    )
    scratch_root = options["scratch_root"]
    warm_children = bool(options.get("warm_children", True))
    spin_s = float(options.get("spin_s", 0.0))
    wipe_paths = [scratch_root, *options.get("wipe", [])]
    counter = 0

    def next_uid() -> int | None:
        return child_uids[counter % len(child_uids)] if kill_mode == "uid" else None

    def fork_next() -> WarmChild:
        return fork_child(control, next_uid(), scratch_root, shell, warm_children, spin_s)

    warm = fork_next()
    control.send(json.dumps({"ready": True, **info}).encode())
    current: WarmChild | None = None
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 4)
        except OSError:
            break
        if not data:
            break
        message = json.loads(data)
        op = message.get("op")
        if op == "spawn":
            if warm is None:
                warm = fork_next()
            if not hand_over(warm, message.get("limits", {}), fds[0]):
                _reap()
                warm = fork_next()
                hand_over(warm, message.get("limits", {}), fds[0])
            for fd in fds:
                os.close(fd)
            current, warm = warm, None
            control.send(json.dumps({"pid": current.pid}).encode())
            counter += 1
            if kill_mode == "uid":
                time.sleep(SPAWN_YIELD_S)
                warm = fork_next()  # under the other uid, while this submission is graded
        elif op == "kill":
            killed = kill_submission(kill_mode, current, wipe_paths)
            current = None
            if warm is None:
                warm = fork_next()
            control.send(json.dumps({"killed": killed}).encode())
        elif op == "exit":
            break
    kill_submission(kill_mode, current, wipe_paths)
    if warm is not None:
        kill_submission(kill_mode, warm, [])


if __name__ == "__main__":
    main()
