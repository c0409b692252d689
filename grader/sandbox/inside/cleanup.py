"""Ending a submission inside the sandbox: kill every one of its processes, remove the files it
left in the shared scratch folders and the System V IPC objects it made, reap the zygote's dead
children. The zygote survives all of it.

When children run under dedicated uids, the clean-up runs *as* that uid (its janitor, or a
helper forked from the zygote): `kill(-1)` then reaches every process of the submission and
nothing else.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import time
from typing import Protocol

from .confinement import PR_SET_DUMPABLE, PR_SET_PDEATHSIG, drop_privileges


class SubmissionChild(Protocol):
    """What clean-up needs of the zygote's child (zygote.WarmChild), without importing the
    zygote (which imports this module)."""

    pid: int
    uid: int | None


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
JANITORS: dict[int, Janitor] = {}  # one per child uid, started by the zygote


def kill_submission(mode: str, child: SubmissionChild | None, wipe: list[str]) -> int:
    """Kill every process of the submission and remove what it left: files in the shared
    scratch folders, System V IPC objects. The zygote survives."""
    if mode == "uid":
        if child is not None and child.uid is not None:
            _clean_up_as(child.uid, _entries_owned_by(wipe, child.uid))
        reap_children()  # the child itself is reaped once its exit completes: now or next time
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
    reap_children()
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
            reap_children()
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


def reap_children() -> None:
    """Collect every child of this process that has exited, without waiting for the others."""
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
