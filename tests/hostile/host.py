"""Look at the host from outside the sandbox: whose processes run, which files appeared.

Every check here reads the host's own /proc and filesystem from the grader's side, so nothing
the student's process says is believed.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

SANDBOX_UIDS = range(61000, 65000)


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    uid: int
    state: str
    comm: str
    cmdline: str

    def __str__(self) -> str:
        return f"pid {self.pid} uid {self.uid} [{self.state}] {self.comm}: {self.cmdline[:120]}"


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def processes() -> dict[int, Proc]:
    """Every process on the host (pid -> Proc); processes that vanish while read are skipped."""
    found: dict[int, Proc] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        status = _read(f"/proc/{entry}/status").decode(errors="replace")
        if not status:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        try:
            proc = Proc(
                pid=int(entry),
                ppid=int(fields["PPid"].strip()),
                uid=int(fields["Uid"].split()[0]),
                state=fields["State"].strip()[:1],
                comm=fields["Name"].strip(),
                cmdline=_read(f"/proc/{entry}/cmdline")
                .replace(b"\0", b" ")
                .decode(errors="replace"),
            )
        except (KeyError, ValueError, IndexError):
            continue
        found[int(entry)] = proc
    return found


def descendants(root: int, table: dict[int, Proc]) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in table.values():
        children.setdefault(proc.ppid, []).append(proc.pid)
    found, frontier = set(), [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def engine_processes(engine) -> list[Proc]:
    """Live (non-zombie) processes of a fork engine: everything under its launcher process,
    and everything running as one of the sandbox uids it uses (a daemon that escaped the tree
    in a mode without a pid namespace still runs as that uid)."""
    table = processes()
    pids: set[int] = set()
    process = getattr(engine, "process", None)
    if process is not None:
        pids |= descendants(process.pid, table)
    plan = getattr(engine, "plan", None)
    uids = {getattr(plan, "uid", None), *getattr(plan, "child_uids", ())} - {None}
    lease = getattr(engine, "uid_lease", None)  # the kernel engine's kernels run as these
    if plan is None and lease is not None:
        uids |= set(lease.uids)
    pids |= {p.pid for p in table.values() if p.uid in uids}
    return [table[p] for p in sorted(pids) if p in table and table[p].state != "Z"]


def marked_processes(marker: str) -> list[Proc]:
    """Processes anywhere on the host whose name or command line carries the attack's marker."""
    return [
        p
        for p in processes().values()
        if p.state != "Z" and (marker in p.comm or marker in p.cmdline)
    ]


def kill_all(procs: list[Proc]) -> None:
    for proc in procs:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except OSError:
            pass


def existing(paths: list[Path]) -> list[Path]:
    return [p for p in paths if os.path.lexists(p)]


def remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            if path.is_dir() and not path.is_symlink():
                import shutil

                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except OSError:
            pass
