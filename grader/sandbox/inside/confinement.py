"""Confining a process of the sandbox: dropping to an unprivileged uid, the prctl flags, the
rlimits a submission runs under, and the confinement of a freshly forked child.

The kernel engine's first hidden cell calls `set_limits` too, so both engines' submissions get
the same rlimits.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import tempfile

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


def set_limits(limits: dict) -> None:
    """Set this process's rlimits from the dict the engines send (grader/sandbox/limits.py)."""

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
    student's first cell runs only after `zygote.serve_child` received the limits and the RPC socket.
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
