"""The cold path of one notebook: `grader grade` and `grader ci` start a lean sandbox before
they import torch, skip the setup cell nobody uses, and end without Python's teardown; none of
it may change a score, leave a process behind, or lose the result file."""

from __future__ import annotations

import json
import subprocess
import sys

import psutil
import pytest

from grader.cli import main
from grader.sandbox import make_engine
from grader.sandbox.forkengine import preload_for_cells

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
