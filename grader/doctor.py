"""`grader doctor`: what isolation this machine gives, checked by trying it.

It reads what the engines would use (bubblewrap, root, setpriv, CUDA) and then starts the fork
engine and runs a probe cell in a real child, which reports what it can see and do: its uid,
its network interfaces, whether the project, the bank, home folders and the host's /tmp are
visible, its environment, whether it can signal the zygote. The probe is the grader's own code;
what it reports is only printed, never used to grade.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .commandline import console

PROBE_CELL = r"""
import json as _json, os as _os, socket as _socket
_found = {"uid": _os.getuid(), "cwd": _os.getcwd()}
_found["interfaces"] = sorted(name for _, name in _socket.if_nameindex())
try:
    _s = _socket.create_connection(("1.1.1.1", 53), timeout=1)
    _s.close()
    _found["internet"] = True
except OSError:
    _found["internet"] = False
_found["visible"] = {p: _os.path.exists(p) for p in PATHS}
_found["listings"] = {}
for _p in LISTED:
    try:
        _found["listings"][_p] = sorted(_os.listdir(_p))
    except OSError:
        _found["listings"][_p] = []
_found["environment"] = sorted(_os.environ)
try:
    _os.kill(_os.getppid(), 0)
    _found["can_signal_parent"] = True
except OSError:
    _found["can_signal_parent"] = False
_found["pid"] = _os.getpid()
print("PROBE" + _json.dumps(_found))
"""


@dataclass
class Finding:
    what: str
    ok: bool
    detail: str


def probe_paths(bank: Path | None = None) -> dict[str, str]:
    """Host paths the sandbox must not see, named by what they are; with `bank` (`--bank`), the
    course's own bank and the solutions beside it too."""
    root = Path(__file__).resolve().parents[1]
    paths = {
        "the project's files": str(root / "pyproject.toml"),
        "the question bank": str(root / "bank"),
        "the reference solutions": str(root / "solutions"),
        "the judge's code": str(root / "grader" / "judge"),
    }
    if bank is not None:
        paths["the --bank question bank"] = str(bank.resolve())
        paths["the --bank reference solutions"] = str(bank.resolve().parent / "solutions")
    return {k: v for k, v in paths.items() if os.path.exists(v)}


def listed_folders() -> dict[str, set[str]]:
    """Host folders whose entries the sandbox may see only where the Python installation it
    runs lives below them (the venv in a checkout, pyenv in a home folder)."""
    from .sandbox.isolation import python_paths

    folders = {"/root", "/home", str(Path(__file__).resolve().parents[1])}
    allowed: dict[str, set[str]] = {}
    for folder in folders:
        allowed[folder] = {
            Path(p).relative_to(folder).parts[0]
            for p in python_paths()
            if Path(p).is_relative_to(folder) and p != folder
        }
    return allowed


def machine_findings() -> list[Finding]:
    from .sandbox.isolation import bwrap_path, bwrap_works

    found = [
        Finding("running as root", os.geteuid() == 0, f"euid {os.geteuid()}"),
        Finding(
            "bubblewrap installed",
            bwrap_path() is not None,
            bwrap_path() or "apt-get install bubblewrap",
        ),
    ]
    ok, why = bwrap_works()
    found.append(Finding("bubblewrap starts a sandbox", ok, why or "pid, net, ipc, uts namespaces"))
    setpriv = shutil.which("setpriv")
    found.append(
        Finding(
            "setpriv (kernel engine's uid switch)", setpriv is not None, setpriv or "util-linux"
        )
    )
    return found


def probe_fork_engine(bank: Path | None = None) -> tuple[dict[str, Any], list[Finding]]:
    import tempfile

    from .sandbox.base import Limits
    from .sandbox.forkengine import ForkEngine

    sentinel = tempfile.NamedTemporaryFile(prefix="grader-doctor-")  # noqa: SIM115
    paths = {**probe_paths(bank), "the host's /tmp": sentinel.name}
    engine = ForkEngine()
    secret = "GRADER_DOCTOR_SECRET"
    os.environ[secret] = "1"  # the sandbox must not inherit the grader's environment
    try:
        isolation = engine.isolation()
        session = engine.start_session(Limits())
        try:
            listed = listed_folders()
            outcome = session.run_cell(
                f"PATHS = {list(paths.values())!r}\nLISTED = {sorted(listed)!r}\n{PROBE_CELL}", 60
            )
        finally:
            session.close()
    finally:
        os.environ.pop(secret, None)
        engine.close()
        sentinel.close()
    report: dict[str, Any] = {}
    for line in (outcome.stdout or "").splitlines():
        if line.startswith("PROBE"):
            report = json.loads(line[len("PROBE") :])
    if not report:
        return isolation.as_dict(), [
            Finding("probe cell ran in the sandbox", False, str(outcome.error))
        ]
    findings = [
        Finding("unprivileged uid", report["uid"] != 0, f"uid {report['uid']}"),
        Finding(
            "no network",
            not report["internet"] and report["interfaces"] in ([], ["lo"]),
            f"interfaces: {', '.join(report['interfaces']) or 'none'}",
        ),
        Finding(
            "environment scrubbed",
            secret not in report["environment"],
            f"{len(report['environment'])} variables",
        ),
        Finding(
            "cannot signal the zygote", not report["can_signal_parent"], "kill(parent, 0) refused"
        ),
        Finding("private scratch folder", report["cwd"] != os.getcwd(), report["cwd"]),
    ]
    for (name, path), seen in zip(paths.items(), report["visible"].values(), strict=True):
        findings.append(Finding(f"cannot see {name}", not seen, path))
    for folder, allowed in sorted(listed.items()):
        extra = sorted(set(report["listings"].get(folder, [])) - allowed)
        shown = ", ".join(sorted(allowed)) or "nothing"
        detail = f"{folder}: only {shown}" if not extra else f"{folder}: also sees {extra[:5]}"
        findings.append(Finding(f"{folder} hidden but for Python", not extra, detail))
    return isolation.as_dict(), findings


CUDA_PROBE_CELL = r"""
import json as _json, torch as _torch
_x = _torch.arange(4.0, device="cuda", requires_grad=True)
(_x * _x).sum().backward()  # autograd too: a zygote that touched CUDA breaks both in children
print("CUDA_PROBE" + _json.dumps({"device": _torch.cuda.get_device_name(_x.device),
      "grad_ok": _x.grad.tolist() == [0.0, 2.0, 4.0, 6.0]}))
"""


def probe_cuda_in_sandbox() -> Finding:
    """Use CUDA and autograd in a child of a GPU fork engine, as `--device cuda` grading does:
    that CUDA works in the grader's own process says nothing about the sandbox (its device
    nodes, environment, limits, and what the zygote did before forking)."""
    from .sandbox.base import Limits
    from .sandbox.forkengine import ForkEngine

    what = "CUDA and autograd in the sandbox"
    engine = ForkEngine(gpu=True)
    try:
        session = engine.start_session(Limits())
        try:
            outcome = session.run_cell(CUDA_PROBE_CELL, 120)
        finally:
            session.close()
    except Exception as exc:  # the GPU sandbox did not even start
        return Finding(what, False, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        engine.close()
    for line in (outcome.stdout or "").splitlines():
        if line.startswith("CUDA_PROBE"):
            found = json.loads(line[len("CUDA_PROBE") :])
            return Finding(what, bool(found["grad_ok"]), str(found["device"]))
    error = outcome.error or {}
    return Finding(
        what, False, f"{error.get('type', outcome.status)}: {error.get('message', '')}"[:300]
    )


def run_doctor(as_json: bool, console: Console, bank: Path | None = None) -> int:
    import torch

    machine = machine_findings()
    isolation, probed = probe_fork_engine(bank)
    from .sandbox.kernelengine import KernelEngine

    kernel = KernelEngine().isolation().as_dict()
    cuda = bool(torch.cuda.is_available())
    cuda_probe = probe_cuda_in_sandbox() if cuda else None
    full = isolation["full"] and all(f.ok for f in probed)
    cuda_ok = cuda_probe is None or cuda_probe.ok
    if as_json:
        print(
            json.dumps(
                {
                    "full_isolation": full,
                    "machine": [f.__dict__ for f in machine],
                    "fork_engine": {"isolation": isolation, "probe": [f.__dict__ for f in probed]},
                    "kernel_engine": {"isolation": kernel},
                    "cuda": cuda,
                    "cuda_in_sandbox": cuda_probe.__dict__ if cuda_probe else None,
                },
                indent=2,
            )
        )
        return 0 if full and cuda_ok else 1
    table = Table(title="grader doctor: what isolation this machine gives")
    for column in ("check", "", "detail"):
        table.add_column(column)
    for finding in machine + probed:
        table.add_row(finding.what, "✓" if finding.ok else "✗", finding.detail)
    console.print(table)
    for name, iso in (("fork", isolation), ("kernel", kernel)):
        state = "full isolation" if iso["full"] else "missing: " + "; ".join(iso["missing"])
        console.print(
            f"{name} engine: {iso['mechanism']}, limits: {', '.join(iso['resource_limits'])}; {state}",
            markup=False,
        )
    console.print(f"CUDA: {'available' if cuda else 'not available (device checks are skipped)'}")
    if cuda_probe is not None:
        mark = "✓" if cuda_probe.ok else "✗"
        console.print(f"{cuda_probe.what}: {mark} {cuda_probe.detail}", markup=False)
    console.print(
        "FULL ISOLATION" if full else "ISOLATION IS INCOMPLETE (see ✗ above)",
        style="bold green" if full else "bold red",
    )
    if not cuda_ok:
        console.print("CUDA FAILS IN THE SANDBOX: --device cuda grading would not work here")
    return 0 if full and cuda_ok else 1


def register(subparsers: Any) -> None:
    doctor = subparsers.add_parser(
        "doctor",
        help="show what isolation this machine gives the sandbox",
        description=(
            "Check bubblewrap, root, setpriv and CUDA, then run a probe cell in a real sandbox "
            "child: its uid, network, environment, whether it sees the project, the bank or home "
            "folders, whether it can signal the zygote. Exit 0 with full isolation, 1 otherwise.\n"
            "Example: grader doctor --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--json", action="store_true", help="print a JSON report")
    doctor.set_defaults(
        handler=lambda args: run_doctor(
            args.json, console, Path(args.bank) if getattr(args, "bank", None) else None
        )
    )
