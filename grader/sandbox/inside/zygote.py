"""The warm zygote: imports torch and IPython once, then forks one child per submission.

Run as `python -m inside.zygote CONTROL_FD` inside the sandbox. The grader talks to it over
CONTROL_FD (a SOCK_SEQPACKET socket, one JSON message per packet). The first message holds the
options (uid to drop to, modules to preload, scratch folder, kill mode); the zygote answers
{"ready": true, ...} once warm, then serves:

    {"op": "spawn", "limits": {...}}  + one fd (the child's RPC socket)  -> {"pid": N}
    {"op": "kill"}      kill every process of the submission, wipe the scratch  -> {"killed": n}
    {"op": "exit"}

The child runs the cells and answers the judge's requests over its own RPC socket (see agent.py).
CUDA is never initialised here: only a child that receives a CUDA tensor initialises it.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time

PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1


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
    (torch.ones(2, requires_grad=True) * 2).sum().backward()
    loaded = ["torch", "numpy"]
    for name in options.get("preload", []):
        try:
            __import__(name)
            loaded.append(name)
        except Exception:
            pass
    return {"preloaded": loaded, "seconds": time.perf_counter() - started}


def _make_shell():
    from IPython.core.interactiveshell import InteractiveShell

    class SandboxShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """`%matplotlib inline` needs no GUI event loop (as in ipykernel)."""

    # No history database, no colours: the shell only runs cells.
    shell = SandboxShell.instance(colors="nocolor")
    shell.history_manager.enabled = False
    return shell


def _set_limits(limits: dict) -> None:
    def cap(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    mb = 1024 * 1024
    if limits.get("memory_mb"):
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


def run_child(rpc_fd: int, limits: dict, scratch: str, shell) -> None:
    """In the forked child: confine, then serve the judge until it says bye."""
    os.setsid()
    # If the zygote dies (a student may kill it), the child must not outlive it.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    work = os.path.join(scratch, "work")
    for sub in ("work", "tmp", "data", "home"):
        os.makedirs(os.path.join(scratch, sub), exist_ok=True)
    os.chdir(work)
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
    _set_limits(limits)
    from .agent import Agent

    sock = socket.socket(fileno=rpc_fd)
    Agent(shell=shell, max_bytes=int(limits.get("max_message_bytes", 64 * 1024 * 1024))).serve(sock)


def kill_submission(mode: str, child_pid: int | None) -> int:
    """Kill every process of the submission; the zygote survives."""
    killed = 0
    if mode == "all":
        # Our uid (or pid namespace) holds nothing but the zygote and the submission's
        # processes: kill(-1) reaches all of them, double-forked daemons included, atomically
        # with respect to fork.
        for _ in range(50):
            try:
                os.kill(-1, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                break
            _reap()
            time.sleep(0.002)
    elif child_pid:
        try:
            os.killpg(child_pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
        for pid in _descendants(os.getpid()):
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    _reap()
    return killed


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
    if not os.path.isdir(path):
        return
    for entry in os.listdir(path):
        target = os.path.join(path, entry)
        try:
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target, ignore_errors=True)
            else:
                os.unlink(target)
        except OSError:
            pass


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    options = json.loads(control.recv(65536))
    if options.get("uid") is not None:
        drop_privileges(int(options["uid"]), int(options["gid"]))
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    info = _preload(options)
    shell = _make_shell()
    info.update({"pid": os.getpid(), "uid": os.getuid(), "python": sys.version.split()[0]})
    control.send(json.dumps({"ready": True, **info}).encode())
    scratch_root = options["scratch_root"]
    wipe_paths = options.get("wipe", [])
    kill_mode = options.get("kill_mode", "group")
    if kill_mode == "all" and os.getuid() == 0:
        kill_mode = "group"  # kill(-1) as root would reach the whole machine
    child_pid: int | None = None
    counter = 0
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
            counter += 1
            scratch = os.path.join(scratch_root, f"s{counter}")
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    control.close()
                    run_child(fds[0], message.get("limits", {}), scratch, shell)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            for fd in fds:
                os.close(fd)
            child_pid = pid
            control.send(json.dumps({"pid": pid, "scratch": scratch}).encode())
        elif op == "kill":
            killed = kill_submission(kill_mode, child_pid)
            child_pid = None
            for path in [scratch_root, *wipe_paths]:
                _wipe(path)
            control.send(json.dumps({"killed": killed}).encode())
        elif op == "exit":
            break
    kill_submission(kill_mode, child_pid)


if __name__ == "__main__":
    main()
