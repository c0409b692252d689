"""The warm zygote: imports torch and IPython once, then forks one child per submission.

Run as `python -m inside.zygote CONTROL_FD` inside the sandbox. The grader talks to it over
CONTROL_FD (a SOCK_SEQPACKET socket, one JSON message per packet). The first message holds the
options (uid to drop to, modules to preload, scratch folder, kill mode); the zygote answers
{"ready": true, ...} once warm, then serves:

    {"op": "spawn", "limits": {...}}  + one fd (the child's RPC socket)  -> {"pid": N}
    {"op": "kill"}      kill every process of the submission, wipe the scratch  -> {"killed": n}
    {"op": "preload", "modules": [...], "meta": bool}  import more (only modules of
                        protocol.PRELOADABLE_MODULES), warm the meta device
                        -> {"preloaded": [...], ...}
    {"op": "exit"}

Children are forked *before* they are needed: each one confines itself (its uid, its own
scratch folder, no-new-privs; confinement.py) and, unless told not to, warms up (warmup.py);
then it waits for a submission. When the zygote is root (always under bubblewrap) children
alternate between two dedicated uids, so the next child is forked while the current one is
graded; ending a submission is cleanup.py's.

The child runs the cells (in shell.py's IPython shell) and answers the judge's requests over its
own RPC socket (see agent.py).
CUDA is never initialised here: only a child that receives a CUDA tensor initialises it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import socket
import sys
import time

from . import protocol, warmup
from .cleanup import JANITORS, Janitor, kill_submission, reap_children
from .confinement import (
    PR_SET_CHILD_SUBREAPER,
    PR_SET_DUMPABLE,
    PR_SET_PDEATHSIG,
    drop_privileges,
    prepare_child,
    set_limits,
)
from .shell import make_shell
from .warmup import (
    CHILD_WARM_UP_CELLS,
    collapse_into_huge_pages,
    load_more,
    preload,
    warm_up,
    zygote_warm_up_cells,
)


def serve_child(handoff: socket.socket, shell, spin_s: float = 0.0) -> None:
    """Wait for the submission (limits + the RPC socket), then serve the judge until bye."""
    data, fds, _, _ = socket.recv_fds(handoff, 65536, 1)
    handoff.close()
    if not data or not fds:
        return
    limits = json.loads(data)
    set_limits(limits)
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


# After answering a spawn, before forking the next warm child: a unix-socket send wakes the
# judge on this CPU (a "sync" wake-up: the kernel expects the sender to sleep next), so a fork
# right away (~3 ms of page-table copying) kept the judge waiting for it. Sleeping briefly lets
# the judge send the cells first (docs/sandbox.md, "History and measurements").
SPAWN_YIELD_S = 0.001


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    options = json.loads(control.recv(65536))
    # From the judge's launch to here: the sandbox's setup and Python's (docs/performance.md).
    started = time.time() - float(options.get("launched_at", time.time()))
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
    t = time.perf_counter()
    if kill_mode == "uid":
        for uid in child_uids:
            JANITORS[uid] = Janitor(uid, control)
    janitors = time.perf_counter() - t
    info = preload(options)
    info["phases"] = {"sandbox and python start": started, "janitors": janitors, **info["phases"]}
    import torch

    phases = info["phases"]
    t = time.perf_counter()
    warmup.WARM_UP_ARG = torch.arange(4.0)
    shell = make_shell()
    phases["shell"] = time.perf_counter() - t
    t = time.perf_counter()
    warm_up(shell, zygote_warm_up_cells(options, info["preloaded"]))
    phases["warm-up cells"] = time.perf_counter() - t
    t = time.perf_counter()
    # Objects that exist now are never collected: the children's garbage collector then does
    # not write to (and so copy) every page the zygote has. No gc.collect() first: it took
    # ~0.2 s of the zygote's start, and the holes it frees would be filled by the children's
    # allocations, copying those pages too (the gc module's documentation advises the same).
    gc.freeze()
    lean = bool(options.get("lean"))
    warm_children = bool(options.get("warm_children", True))
    # A batch's zygote (no warm children) is likely to import more before its first
    # submission (protocol.PRELOAD): its huge pages and its first child wait for its first
    # fork, so that the collapse runs once, after those imports (docs/sandbox.md).
    collapse_pending = not lean and not warm_children
    # Pays back over many forks, not for one notebook's (lean).
    huge = 0 if lean or collapse_pending else collapse_into_huge_pages()
    phases["gc.freeze and huge pages"] = time.perf_counter() - t
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
    spin_s = float(options.get("spin_s", 0.0))
    wipe_paths = [scratch_root, *options.get("wipe", [])]
    counter = 0

    def next_uid() -> int | None:
        return child_uids[counter % len(child_uids)] if kill_mode == "uid" else None

    def fork_next() -> WarmChild:
        nonlocal collapse_pending
        if collapse_pending:
            collapse_pending = False
            collapse_into_huge_pages()
        return fork_child(control, next_uid(), scratch_root, shell, warm_children, spin_s)

    warm: WarmChild | None = None
    if not collapse_pending:
        t = time.perf_counter()
        warm = fork_next()
        phases["first fork"] = time.perf_counter() - t
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
        op = message.get(protocol.OP)
        if op == protocol.SPAWN:
            if warm is None:
                warm = fork_next()
            if not hand_over(warm, message.get("limits", {}), fds[0]):
                reap_children()
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
        elif op == protocol.KILL:
            killed = kill_submission(kill_mode, current, wipe_paths)
            current = None
            if warm is None:
                warm = fork_next()
            control.send(json.dumps({"killed": killed}).encode())
        elif op == protocol.PRELOAD:
            modules = message.get("modules")
            modules = (
                [m for m in modules if isinstance(m, str)] if isinstance(modules, list) else []
            )
            reply = load_more(modules, bool(message.get("meta")), shell, info["preloaded"])
            # As at the start: what the imports made is never collected, and goes into 2 MB
            # pages before the next fork.
            gc.freeze()
            collapse_pending = not lean
            if current is None and warm is not None:  # forked without them: fork it anew
                kill_submission(kill_mode, warm, [])
                warm = None  # at the next spawn
            control.send(json.dumps(reply).encode())
        elif op == protocol.EXIT:
            break
    kill_submission(kill_mode, current, wipe_paths)
    if warm is not None:
        kill_submission(kill_mode, warm, [])


if __name__ == "__main__":
    main()
