"""A few of the attacks against the `kernel` engine (a real Jupyter kernel, ~3 s to start).

One notebook carries several attacks at once, graded once for the module, so the suite pays
for two kernels rather than one per attack.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT
from . import host
from .conftest import SECRET_NAME, SECRET_VALUE, SLACK, Attack
from .notebooks import WRONG_GRID, code, set_name, solution_plus, write_everywhere
from .test_cheats import PATCH_COMPARISONS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel_attack(bank, kernel_engine, tmp_path_factory):
    marker = "d2lh" + secrets.token_hex(4)
    site = [Path(p) for p in __import__("site").getsitepackages()]
    dirs = [Path("/tmp"), ROOT, ROOT / "tests" / "hostile", *site]
    attack = Attack(marker, bank, kernel_engine, 0, dirs)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", marker],
        env={SECRET_NAME: SECRET_VALUE, "PATH": "/usr/bin:/bin"},
    )
    probes = {
        "files": code(
            f"""
            import os
            seen = [p for p in ({str(ROOT / "bank")!r}, {str(ROOT / "solutions")!r},
                                {str(ROOT / "grader" / "judge")!r}, '/root/.ssh', '/home')
                    if os.path.exists(p)]
            if seen:
                raise RuntimeError(f'visible: {{seen}}')
            """
        ),
        "processes": code(
            f"""
            import os
            found = []
            for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
                for part in ('environ', 'cmdline'):
                    try:
                        data = open(f'/proc/{{pid}}/{{part}}', 'rb').read()
                    except OSError:
                        continue
                    if {SECRET_VALUE.encode()!r} in data or {marker.encode()!r} in data:
                        found.append((pid, part))
            if found or {SECRET_NAME!r} in os.environ:
                raise RuntimeError(f'host processes readable: {{found}}')
            """
        ),
        "network": code(
            """
            import socket
            interfaces = [name for _, name in socket.if_nameindex() if name != 'lo']
            if interfaces:
                raise RuntimeError(f'network interfaces: {interfaces}')
            """
        ),
        "uid": "import os\nif os.getuid() == 0 or os.geteuid() == 0:\n    raise RuntimeError('root')",
        "writes": write_everywhere(marker, dirs),
        "daemon": code(
            f"""
            import os, signal, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    {set_name(marker)}
                    while True:
                        time.sleep(1)
                os._exit(0)
            os.wait()
            """
        ),
    }
    path, cells = solution_plus(
        tmp_path_factory.mktemp("kernel") / "attacks.ipynb",
        *probes.values(),
        replace={"grid": WRONG_GRID + PATCH_COMPARISONS},
    )
    try:
        graded = attack.grade(path)
    finally:
        holder.kill()
        holder.wait()
    yield attack, graded, dict(zip(probes, cells, strict=True))
    host.kill_all(host.marked_processes(marker))
    host.remove(attack.sentinels())


@pytest.fixture(scope="module")
def wrong_grid_on_fork(grade, tmp_path_factory) -> float:
    path, _ = solution_plus(
        tmp_path_factory.mktemp("wrong") / "wrong.ipynb", replace={"grid": WRONG_GRID}
    )
    return {q["id"]: q["score"] for q in grade(path)["questions"]}["grid"]


def test_kernel_engine_cheat_earns_nothing(kernel_attack, full_scores, wrong_grid_on_fork):
    _, graded, _ = kernel_attack
    assert graded.result["engine"] == "kernel"
    assert graded.scores == {**full_scores, "grid": wrong_grid_on_fork}


@pytest.mark.parametrize("probe", ["files", "processes", "network", "uid"])
def test_kernel_engine_probe_finds_nothing(kernel_attack, probe):
    attack, graded, cells = kernel_attack
    if not graded.result["isolation"]["full"]:
        pytest.skip(
            "the kernel engine has no OS sandbox here: "
            + "; ".join(graded.result["isolation"]["missing"])
        )
    outcome = graded.cell(cells[probe])
    assert outcome["status"] == "ok", f"the probe found something: {outcome['error']}"


def test_kernel_engine_leaves_a_clean_host(kernel_attack):
    attack, graded, cells = kernel_attack
    assert graded.status(cells["daemon"]) == "ok"
    assert graded.seconds < 3 * SLACK  # a kernel start, the cells and the checks
    attack.assert_clean(engine=None)


# Finding F7 (fixed): this used to hang the grader forever (a blocking kernel client).
def test_kernel_engine_survives_crashing_and_endless_cells(full_scores, tmp_path):
    # In a subprocess with a wall-clock limit: a hang must fail this test, not stall the suite.
    path, cells = solution_plus(
        tmp_path / "crash.ipynb", "import os\nos._exit(1)", "while True:\n    pass"
    )
    out = tmp_path / "result.json"
    command = [
        str(Path(sys.executable).parent / "grader"), "grade", str(path),
        "--assignment", "preliminaries-core", "--engine", "kernel", "--device", "cpu",
        "--cell-timeout", "2", "--call-timeout", "2", "--memory-mb", "512", "--json", str(out),
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as run:
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            run.kill()
            pytest.fail("grading with the kernel engine did not finish in 30 s")
    result = json.loads(out.read_text())
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert [statuses[i] for i in cells] == ["crashed", "timeout"]
    assert {q["id"]: q["score"] for q in result["questions"]} == full_scores
