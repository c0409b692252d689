"""The cold path of one notebook: `grader grade` and `grader ci` start a lean sandbox before
they import torch, skip the setup cell nobody uses, and end without Python's teardown; none of
it may change a score, leave a process behind, or lose the result file."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.bank.loader import load_bank
from grader.cli import main
from grader.grade import uses_meta_device
from grader.sandbox import make_engine
from grader.sandbox.base import Limits
from grader.sandbox.forkengine import preload_for_cells
from grader.sandbox.inside import protocol

from .conftest import ROOT
from .nbutil import SOLUTION, scores

ASSIGNMENT = "preliminaries-core"


def sandbox_processes() -> set[int]:
    """This process's descendants that belong to a sandbox (bubblewrap or a zygote): compare
    before and after, since the session's own fork engine may be running."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "inside.zygote" in command or "bwrap" in command:
            found.add(child.pid)
    return found


def zygote_of(engine) -> psutil.Process:
    """The zygote itself: the first Python process of the sandbox's tree that runs
    inside.zygote (bubblewrap's command line names it too; the zygote's children, forked from
    it, show the same command line)."""
    launcher = psutil.Process(engine.process.pid)  # bubblewrap, or the zygote itself
    for process in [launcher, *launcher.children(recursive=True)]:
        try:
            if process.name() != "bwrap" and "inside.zygote" in " ".join(process.cmdline()):
                return process
        except psutil.Error:
            continue  # a child that ended meanwhile
    raise AssertionError("no zygote in the sandbox's process tree")


def anon_huge_page_mb(process: psutil.Process) -> int:
    rollup = Path(f"/proc/{process.pid}/smaps_rollup").read_text()
    kb = re.search(r"^AnonHugePages:\s+(\d+) kB", rollup, re.M)
    return int(kb.group(1)) // 1024 if kb else 0


def kernel_release() -> tuple[int, int]:
    major, minor = re.match(r"(\d+)\.(\d+)", platform.release()).groups()
    return int(major), int(minor)


def test_a_lean_zygote_preloads_only_what_the_notebook_imports():
    cells = [
        "import pandas as pd\nimport torch",
        "from otter import Notebook",
        "%matplotlib inline",
    ]
    assert preload_for_cells(cells) == (
        "pandas",
        "otter",
        "matplotlib.pyplot",
        "matplotlib_inline.backend_inline",
    )
    # Only modules of the fixed list, whatever else a notebook names.
    assert (
        preload_for_cells(["import os, antigravity", "from this import s", "x = 'import otter'"])
        == ()
    )
    assert preload_for_cells(["  import pandas  # indented, in a function"]) == ("pandas",)


def test_a_lean_zygote_skips_the_work_that_pays_back_over_many():
    engine = make_engine("fork", one_notebook=["import torch"])
    try:
        isolation = engine.isolation()  # waits until it is ready
        phases = engine.info["phases"]
        assert "meta" not in phases and engine.info["huge_page_mb"] == 0
        assert engine.info["preloaded"] == ["torch", "numpy"]
        assert {"sandbox and python start", "torch", "shell", "first fork"} <= set(phases)
    finally:
        engine.close()
    # The same sandbox as the warm engine's (the hostile suite runs against both).
    full = make_engine("fork")
    try:
        assert full.isolation() == isolation
    finally:
        full.close()


def test_a_batch_zygote_loads_pandas_the_meta_device_and_torch_dynamo_when_first_needed():
    engine = make_engine("fork", batch=True)
    try:
        engine.isolation()
        assert "meta" not in engine.info["phases"] and not engine.meta_warm
        assert "pandas" not in engine.loaded
        # Its huge pages and first child wait for the first fork, after these imports.
        assert engine.info["huge_page_mb"] == 0 and "first fork" not in engine.info["phases"]
        engine.prepare(["import torch"])  # nothing of PRELOADABLE, and no meta: nothing to load
        assert "pandas" not in engine.loaded and not engine.meta_warm
        first = engine.start_session(Limits())  # the zygote then forks a child to wait for the next
        first.close()
        engine.prepare(["import pandas as pd\nimport torch"], meta=True)
        assert "pandas" in engine.loaded and engine.meta_warm
        # Only modules of PRELOADABLE, whatever the control message asks for.
        reply = engine._control(
            {protocol.OP: protocol.PRELOAD, "modules": ["this", "pandas"], "meta": False}
        )
        assert reply["preloaded"] == []
        probe = "import sys\nsorted(m for m in ('pandas', 'sympy', 'torch._dynamo', 'this') if m in sys.modules)"
        session = engine.start_session(Limits())
        try:
            # Most operations on meta tensors import torch._dynamo (~1 s): not in the zygote yet.
            meta_op = "import torch\n_ = torch.empty(2, device='meta') * 0"
            before, _, after = session.run_cells([probe, meta_op, probe], 30, time.monotonic() + 60)
            # The child that was waiting was forked anew, after the imports: it has them.
            assert before.stdout.strip().endswith("['pandas', 'sympy']")
            assert after.stdout.strip().endswith("['pandas', 'sympy', 'torch._dynamo']")
        finally:
            session.close()
        if kernel_release() >= (6, 1):  # MADV_COLLAPSE
            assert anon_huge_page_mb(zygote_of(engine)) >= 64  # of ~190 MB it could collapse
        # The child said it imported torch._dynamo: the zygote imports it for the next ones.
        assert engine.late_imports == {"torch._dynamo"} and "torch._dynamo" not in engine.loaded
        engine.prepare(["import torch"])
        assert "torch._dynamo" in engine.loaded
        session = engine.start_session(Limits())
        try:
            (outcome,) = session.run_cells([probe], 30, time.monotonic() + 30)
            assert outcome.stdout.strip().endswith("['pandas', 'sympy', 'torch._dynamo']")
        finally:
            session.close()
        # What a child says it imported is only a hint, and only for modules of the fixed list.
        engine.note_late_imports({protocol.LATE_IMPORTS: ["os", 3, ["pandas"]]})
        engine.note_late_imports({protocol.LATE_IMPORTS: "torch._dynamo"})
        assert engine.late_imports == {"torch._dynamo"}
    finally:
        engine.close()


def test_only_assignments_whose_checks_use_the_meta_device_warm_it():
    bank, _ = load_bank()
    assert uses_meta_device(bank.questions["device-zeros"])
    assert not uses_meta_device(bank.questions["normalize-rows"])


def test_grader_grade_from_a_fresh_process_keeps_its_result(tmp_path):
    """`grader grade` ends with os._exit: the summary and the --json file are complete, and its
    sandbox is gone."""
    out = tmp_path / "result.json"
    before = sandbox_processes()
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(SOLUTION), "--assignment", ASSIGNMENT,
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["score"] == result["max_score"] > 0
    assert done.stdout.rstrip().endswith(f"TOTAL {result['score']:g}/{result['max_score']:g}")
    assert sandbox_processes() <= before


@pytest.mark.parametrize(
    "argv",
    [
        ["grade", str(SOLUTION), "--assignment", "no-such-assignment"],
        ["grade", str(SOLUTION), "--assignment", "preliminaries-quiz"],  # no student id
        ["ci", str(SOLUTION), "--assignment", "no-such-assignment"],
    ],
)
def test_a_usage_error_after_the_early_launch_leaves_no_sandbox(argv, monkeypatch):
    monkeypatch.delenv("GRADER_SECRET", raising=False)
    before = sandbox_processes()
    assert main(argv) == 2
    assert sandbox_processes() <= before


def test_the_lean_path_grades_like_the_warm_engine(grade, tmp_path, capsys):
    """Same scores from `grader grade` (lean, setup cell skipped) as from the warm engine."""
    out = tmp_path / "lean.json"
    assert main(["grade", str(SOLUTION), "--assignment", ASSIGNMENT, "--json", str(out)]) == 0
    lean = json.loads(out.read_text())
    assert scores(lean) == scores(grade(SOLUTION))
    assert lean["isolation"] == grade(SOLUTION)["isolation"]
