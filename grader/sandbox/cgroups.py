"""A memory and process cap over all processes of a sandbox, with Linux control groups.

rlimits are per process (RLIMIT_AS) or per uid (RLIMIT_NPROC): a submission that forks 60
children could still take 60 × its memory allowance. One cgroup per engine holds the zygote and
every child it forks, so memory (page cache and tmpfs files included) and the number of tasks
are capped for all of them together. The zygote is made the OOM killer's last choice and
children its first, so hitting the cap kills the student's processes, not the zygote.

cgroup v2 (one unified tree) and v1 (one tree per controller) are both handled; where neither is
writable (not root, a read-only /sys/fs/cgroup) the engine runs without it and its isolation
record says so.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP = "d2l-grader"


def _v2() -> bool:
    return (CGROUP_ROOT / "cgroup.controllers").exists()


def cgroups_available() -> tuple[bool, str]:
    if os.geteuid() != 0:
        return False, "not root: cannot create control groups"
    if _v2():
        controllers = (CGROUP_ROOT / "cgroup.controllers").read_text().split()
        if not {"memory", "pids"} <= set(controllers):
            return False, "cgroup v2 without the memory and pids controllers"
        return os.access(CGROUP_ROOT, os.W_OK), "/sys/fs/cgroup is not writable"
    for controller in ("memory", "pids"):
        if not os.access(CGROUP_ROOT / controller, os.W_OK):
            return False, f"the cgroup v1 {controller} controller is not writable"
    return True, ""


class SandboxCgroup:
    """The control group(s) of one engine; `close()` removes them."""

    def __init__(self, name: str) -> None:
        self.dirs: dict[str, Path] = {}
        # The limits last written: every submission sets them, nearly always to the same values
        # (two file writes, ~0.35 ms of each submission's latency, skipped when unchanged).
        self.written: dict[str, int] = {}
        if _v2():
            parent = CGROUP_ROOT / GROUP
            parent.mkdir(exist_ok=True)
            # Controllers must be enabled in the parent for the child group to have them.
            with contextlib.suppress(OSError):
                (CGROUP_ROOT / "cgroup.subtree_control").write_text("+memory +pids")
            with contextlib.suppress(OSError):
                (parent / "cgroup.subtree_control").write_text("+memory +pids")
            path = parent / name
            path.mkdir(exist_ok=True)
            self.dirs = {"memory": path, "pids": path}
        else:
            for controller in ("memory", "pids"):
                path = CGROUP_ROOT / controller / GROUP / name
                path.mkdir(parents=True, exist_ok=True)
                self.dirs[controller] = path

    def join(self) -> None:
        """Move the calling process into the group (used in the sandbox's preexec_fn)."""
        for path in set(self.dirs.values()):
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def memory_usage(self) -> int:
        path = self.dirs["memory"]
        name = "memory.current" if _v2() else "memory.usage_in_bytes"
        return int((path / name).read_text())

    def set_memory_limit(self, limit_bytes: int) -> None:
        if self.written.get("memory") == limit_bytes:
            return
        path = self.dirs["memory"]
        if _v2():
            (path / "memory.max").write_text(str(limit_bytes))
            with contextlib.suppress(OSError):
                (path / "memory.swap.max").write_text("0")
        else:
            (path / "memory.limit_in_bytes").write_text(str(limit_bytes))
        self.written["memory"] = limit_bytes

    def set_pids_limit(self, count: int) -> None:
        if self.written.get("pids") == count:
            return
        (self.dirs["pids"] / "pids.max").write_text(str(count))
        self.written["pids"] = count

    def close(self) -> None:
        """Remove the groups once their processes are gone (they are being killed)."""
        for path in set(self.dirs.values()):
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def prefer_not_to_oom_kill() -> None:
    """In the sandbox's first process, before exec: the OOM killer spares it (-1000); every
    process it forks inherits that, and the zygote's children set their own back to +1000."""
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as f:
        f.write("-1000")
