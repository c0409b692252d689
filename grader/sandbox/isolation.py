"""How a sandbox process is started: under bubblewrap when the machine allows, else plainly.

With bubblewrap (run by root, which CI and course machines are) the sandbox gets new pid, net,
ipc and uts namespaces, a root filesystem that holds only /usr, the Python installation, the
sandbox's own code and private tmpfs mounts, and a scrubbed environment; the zygote keeps only
CAP_SETUID/CAP_SETGID, and every child drops to a dedicated unprivileged uid with no-new-privs. Without bubblewrap the grader still grades, and
the result's `isolation` lists exactly what was missing.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .base import Isolation

INSIDE_DIR = Path(__file__).resolve().parent / "inside"
SANDBOX_CODE = "/opt/d2l-grader"  # where the inside/ package is mounted in the sandbox
SANDBOX_SCRATCH = "/sandbox"  # tmpfs: one folder per submission
UID_BASE = 61000
# What a GPU runner sets to choose the card (CUDA_VISIBLE_DEVICES) and to find the driver's
# libraries (CUDA images put libcuda in e.g. /usr/local/nvidia/lib64): a sandbox that grades on
# CUDA keeps these two, and nothing else, of the grader's environment.
GPU_ENV = ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")


@dataclass
class LaunchPlan:
    argv: list[str]
    env: dict[str, str]
    isolation: Isolation
    scratch_root: str
    wipe: list[str] = field(default_factory=list)
    kill_mode: str = "group"
    uid: int | None = None  # the zygote drops to this uid when it cannot rotate child uids
    child_uids: tuple[int, ...] = ()  # a root zygote runs its children under these, alternately
    host_scratch: Path | None = None  # a host folder to delete at the end (no-bwrap mode)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def bwrap_works() -> tuple[bool, str]:
    """Can we start a bubblewrap sandbox here? (False, why) when not."""
    path = bwrap_path()
    if path is None:
        return False, "bubblewrap is not installed (apt-get install bubblewrap)"
    if os.geteuid() != 0:
        return False, "the grader is not running as root, so it cannot switch to a dedicated uid"
    try:
        probe = subprocess.run(
            [path, "--unshare-pid", "--unshare-net", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True, timeout=20, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap could not start: {exc}"
    if probe.returncode != 0:
        return (
            False,
            f"bubblewrap could not start: {probe.stderr.decode(errors='replace').strip()[:200]}",
        )
    return True, ""


UID_SLOTS = 2000  # fork engines: pairs UID_BASE + 2k, +2k+1; kernel engines: UID_BASE + 4000 + k
LEASE_DIR = Path("/run/d2l-grader-uids")


class UidLease:
    """Uids reserved for one engine, in every process on this machine: a slot is taken by
    holding an exclusive flock on its lock file, which the kernel releases when the engine
    closes it or the process dies. Two engines (two batch workers, or two engines in one
    process) never share a uid, so one's `kill(-1)` as that uid cannot reach the other's
    children."""

    def __init__(self, kind: str, size: int, first_uid: int, slots: int) -> None:
        self.uids: tuple[int, ...] = ()
        self._file = None
        if os.geteuid() != 0:
            return  # uids are only switched to by root
        folder = _lease_dir()
        start = os.getpid() % slots
        for offset in range(slots):
            slot = (start + offset) % slots
            handle = open(folder / f"{kind}-{slot}.lock", "a+")  # noqa: SIM115 - held open
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self._file = handle
            self.uids = tuple(first_uid + slot * size + i for i in range(size))
            return
        raise RuntimeError("no free sandbox uid: too many engines are running on this machine")

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _lease_dir() -> Path:
    import tempfile

    for folder in (LEASE_DIR, Path(tempfile.gettempdir()) / "d2l-grader-uids"):
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            return folder
        except OSError:
            continue
    raise RuntimeError(f"cannot create {LEASE_DIR} to reserve sandbox uids")


def lease_fork_uids() -> UidLease:
    """Two uids for a fork engine's children (they alternate)."""
    return UidLease("fork", 2, UID_BASE, UID_SLOTS)


def lease_kernel_uid() -> UidLease:
    return UidLease("kernel", 1, UID_BASE + 2 * UID_SLOTS, 1000)


def python_paths() -> list[str]:
    """Folders the sandbox must see read-only to run this Python and its packages."""
    paths = {
        os.path.realpath(p)
        for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)
    }
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    # The venv's python is a symlink: keep the path it is reached by, as well.
    paths.add(os.path.dirname(os.path.abspath(sys.executable)))
    return sorted(p for p in paths if not p.startswith("/usr"))


def _traversable_by_others(path: str) -> bool:
    current = Path(path)
    for folder in [current, *current.parents]:
        try:
            if not folder.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def gpu_environment() -> dict[str, str]:
    return {name: os.environ[name] for name in GPU_ENV if os.environ.get(name)}


def _library_dirs() -> list[str]:
    """LD_LIBRARY_PATH's folders that the sandbox would not see otherwise (not under /usr or
    the Python installation), bound read-only where the loader looks for them."""
    seen = ["/usr", *python_paths()]
    dirs = []
    for entry in os.environ.get("LD_LIBRARY_PATH", "").split(":"):
        path = os.path.normpath(entry) if os.path.isabs(entry) else ""
        real = os.path.realpath(path) if path else ""
        if not path or not os.path.isdir(path) or path in dirs:
            continue
        if not any(real == top or real.startswith(top + "/") for top in seen):
            dirs.append(path)
    return dirs


def _clean_env(python_path: str, home: str, gpu: bool = False) -> dict[str, str]:
    return (gpu_environment() if gpu else {}) | {
        "PATH": f"{os.path.dirname(os.path.abspath(sys.executable))}:/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": python_path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "HOME": home,
        # The sandbox's uids have no /etc/passwd entry: getpass.getuser() (torch's compile
        # caches ask it, on import in some versions) reads these first.
        "USER": "sandbox",
        "LOGNAME": "sandbox",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def plan_launch(
    module: str,
    args: list[str],
    *,
    want: str = "auto",
    scratch_mb: int = 256,
    gpu: bool = False,
    uids: tuple[int, ...] = (),
) -> LaunchPlan:
    """The command that starts `python -m inside.<module> ARGS` in a sandbox.

    `want`: "bwrap" (fail if unavailable), "none" (no OS isolation), or "auto".
    """
    if want not in ("auto", "bwrap", "none"):
        raise ValueError(want)
    ok, why = bwrap_works() if want != "none" else (False, "isolation was turned off")
    if want == "bwrap" and not ok:
        raise RuntimeError(why)
    python = os.path.abspath(sys.executable)
    if ok:
        return _bwrap_plan(python, module, args, scratch_mb, gpu, uids)
    return _plain_plan(python, module, args, why, uids, gpu)


def bwrap_base_args(scratch_mb: int, gpu: bool) -> list[str]:
    """bubblewrap arguments shared by both engines: namespaces, a root filesystem with only
    /usr and the Python installation (read-only), private tmpfs mounts, the sandbox's code."""
    size = str(scratch_mb * 1024 * 1024)
    argv = [
        bwrap_path() or "bwrap",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session", "--clearenv",
        # Root in here keeps only what it needs to give each child its uid.
        "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
        "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc", "--dev", "/dev",
        # Order matters: the tmpfs for /tmp comes before anything mounted below it.
        "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
        "--perms", "1733", "--size", size, "--tmpfs", SANDBOX_SCRATCH,
        "--perms", "1777", "--size", str(16 * 1024 * 1024), "--tmpfs", "/dev/shm",
        "--perms", "0755", "--dir", "/etc",
        "--perms", "0755", "--dir", "/opt",
        "--perms", "0755", "--dir", SANDBOX_CODE,
        "--ro-bind", str(INSIDE_DIR), f"{SANDBOX_CODE}/inside",
    ]  # fmt: skip
    # The Python installation, and on CUDA the driver's library folders.
    read_only = [*python_paths(), *(_library_dirs() if gpu else [])]
    # bwrap creates missing parent folders with mode 0700, which the sandbox uid could not
    # traverse: create them world-readable first.
    parents = sorted(
        {str(a) for path in read_only for a in Path(path).parents if str(a) != "/"}, key=len
    )
    for parent in parents:
        argv += ["--perms", "0755", "--dir", parent]
    for path in read_only:
        argv += ["--ro-bind", path, path]
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        if os.path.exists(etc):
            argv += ["--ro-bind", etc, etc]
    if gpu:
        for node in sorted(Path("/dev").glob("nvidia*")):
            argv += ["--dev-bind", str(node), str(node)]
    return argv


def bwrap_isolation() -> Isolation:
    return Isolation(
        mechanism="bwrap",
        unprivileged_uid=True,
        network_isolated=True,
        private_filesystem=True,
        private_tmp=True,
        pid_namespace=True,
        environment_scrubbed=True,
        process_cleanup="all",
        resource_limits=[
            "wall time",
            "address space",
            "processes",
            "file size",
            "open files",
            "output",
            "scratch size",
        ],
    )


def without_address_space_cap(isolation: Isolation, memory_capped: bool) -> Isolation:
    """The record of a sandbox that grades on CUDA, whose processes get no address-space cap."""
    limits = [name for name in isolation.resource_limits if name != "address space"]
    missing = list(isolation.missing)
    if not memory_capped:
        missing.append("a memory cap (CUDA needs an uncapped address space, and no control group)")
    return dataclasses.replace(isolation, resource_limits=limits, missing=missing)


def _bwrap_plan(
    python: str, module: str, args: list[str], scratch_mb: int, gpu: bool, uids: tuple[int, ...]
) -> LaunchPlan:
    if len(uids) < 2:
        raise RuntimeError("the bubblewrap sandbox needs two leased uids")
    argv = bwrap_base_args(scratch_mb, gpu)
    env = _clean_env(SANDBOX_CODE, "/tmp/home", gpu)
    for key, value in env.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", SANDBOX_SCRATCH, python, "-B", "-s", "-m", f"inside.{module}", *args]
    return LaunchPlan(
        argv,
        {},
        bwrap_isolation(),
        SANDBOX_SCRATCH,
        wipe=["/tmp", "/dev/shm"],
        kill_mode="all",
        uid=uids[0],
        child_uids=uids,
    )


KERNEL_SCRATCH = f"{SANDBOX_SCRATCH}/kernel"


def kernel_bwrap_command(
    python: str, runtime_dir: str, connection_file: str, uid: int, scratch_mb: int, gpu: bool
) -> list[str]:
    """The kernel engine's launch command: ipykernel in the same bubblewrap sandbox as the fork
    engine, as `uid` (setpriv, no-new-privs), talking ZeroMQ over unix sockets in `runtime_dir`
    (the only host folder it sees, bound at the same path so the connection file stays valid).
    """
    argv = bwrap_base_args(scratch_mb, gpu)
    parents = sorted({str(a) for a in Path(runtime_dir).parents if str(a) != "/"}, key=len)
    for parent in parents:
        argv += ["--perms", "0755", "--dir", parent]
    argv += ["--bind", runtime_dir, runtime_dir]
    for sub in ("", "/work", "/data", "/home"):
        argv += ["--perms", "1777", "--dir", KERNEL_SCRATCH + sub]
    env = _clean_env(SANDBOX_CODE, f"{KERNEL_SCRATCH}/home", gpu)
    env["JUPYTER_RUNTIME_DIR"] = runtime_dir
    for key, value in env.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", f"{KERNEL_SCRATCH}/work"]
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    argv += [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs"]
    argv += ["--", python, "-B", "-s", "-m", "ipykernel_launcher", "-f", connection_file]
    return argv


def _plain_plan(
    python: str, module: str, args: list[str], why: str, leased: tuple[int, ...], gpu: bool
) -> LaunchPlan:
    import tempfile

    # Dropping to a dedicated uid only works when that uid can read this Python installation.
    readable = os.geteuid() == 0 and all(_traversable_by_others(p) for p in python_paths())
    uids = leased if readable and len(leased) >= 2 else ()
    root = bool(uids)  # the children switch to dedicated uids
    host_scratch = Path(tempfile.mkdtemp(prefix="d2l-grader-scratch-"))
    # Children make their own 0700 folders in scratch_root (sticky like /tmp, not listable).
    (host_scratch / "s").mkdir()
    os.chmod(host_scratch / "s", 0o1733)
    # Temporary files go to a folder deleted with the scratch, not to /tmp: a child is killed,
    # so what a notebook meant to remove at exit (the template's public tests) would stay.
    (host_scratch / "tmp").mkdir()
    os.chmod(host_scratch / "tmp", 0o1733)
    os.chmod(host_scratch, 0o711 if root else 0o700)
    env = _clean_env(str(INSIDE_DIR.parent), str(host_scratch / "home"), gpu)
    env["TMPDIR"] = str(host_scratch / "tmp")
    missing = [
        f"no OS sandbox: {why}",
        "network access",
        "private filesystem",
        "private /tmp",
        "pid namespace",
    ]
    if not root:
        missing.append(
            "dedicated unprivileged uid (not root, or Python is not readable by other users)"
        )
        missing.append(
            "complete process cleanup (daemons that leave the process group can survive)"
        )
    isolation = Isolation(
        mechanism="none",
        unprivileged_uid=root,
        environment_scrubbed=True,
        process_cleanup="all" if root else "process-group",
        resource_limits=["wall time", "address space", "file size", "open files", "output"]
        + (["processes"] if root else []),
        missing=missing,
    )
    argv = [python, "-B", "-s", "-m", f"inside.{module}", *args]
    return LaunchPlan(
        argv,
        env,
        isolation,
        str(host_scratch / "s"),
        kill_mode="all" if root else "group",
        uid=uids[0] if uids else None,
        child_uids=uids,
        host_scratch=host_scratch,
    )
