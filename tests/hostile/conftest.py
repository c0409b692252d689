"""Fixtures of the hostile suite: grade an attack notebook, then prove the host is clean.

Every test builds one notebook (notebooks.py), grades it with the session's fork engine under
small limits, and checks three things from the grader's side: the honest score, a bounded
time, and a clean host (no process of the submission left, no file outside the scratch, the
engine still grades the next submission).
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from . import host

# A fake credential in the grader's environment. Set at import (collection), so before the
# session's zygote starts: if the sandbox inherited the grader's environment, it would see it.
SECRET_NAME = "GRADER_TEST_SECRET"
SECRET_VALUE = "d2l-hostile-secret-" + secrets.token_hex(8)
os.environ[SECRET_NAME] = SECRET_VALUE

# Small limits keep the suite fast; timeouts are the dominant cost.
LIMITS = {"cell_timeout": 3.0, "call_timeout": 2.0, "memory_mb": 512, "notebook_timeout": 30.0}
# A kernel runs the template's first cell (otter, ~1 s) cold, and its cells are slower on two busy
# cores: an honest cell must not time out there. Each replay after a killed call starts a new
# kernel (~3-5 s), charged to the notebook's budget: five of them must fit in it.
KERNEL_LIMITS = {**LIMITS, "cell_timeout": 15.0, "call_timeout": 5.0, "notebook_timeout": 120.0}
# Seconds a grade may take beyond what its limits allow (a zygote restart under load included).
SLACK = 10.0
SOLUTION = ROOT / "solutions/preliminaries-core.ipynb"
ASSIGNMENT = "preliminaries-core"


@dataclass
class Graded:
    result: dict[str, Any]
    seconds: float

    @property
    def scores(self) -> dict[str, float]:
        return {q["id"]: q["score"] for q in self.result["questions"]}

    def hidden(self, qid: str) -> float:
        question = next(q for q in self.result["questions"] if q["id"] == qid)
        return sum(c["score"] for c in question["checks"] if c["visibility"] == "hidden")

    def cell(self, index: int) -> dict[str, Any]:
        return next(c for c in self.result["cells"] if c["index"] == index)

    def status(self, index: int) -> str:
        return self.cell(index)["status"]

    def checks(self, qid: str) -> list[dict[str, Any]]:
        return next(q for q in self.result["questions"] if q["id"] == qid)["checks"]


@dataclass
class Attack:
    """One attack's marker, its host sentinels, and the grader it is run against."""

    marker: str
    bank: Any
    engine: Any
    idle_count: int
    sentinel_dirs: list[Path] = field(default_factory=list)

    @property
    def broken_channel_statuses(self) -> tuple[str, ...]:
        """How a cell that wrote junk into its channels ends: the fork child's broken RPC socket
        is a crash; a kernel whose ZeroMQ sockets are garbled stops answering until the cell's
        time limit (then it is killed, as test_never_hangs.py checks)."""
        return ("crashed", "timeout") if self.engine.name == "kernel" else ("crashed",)

    @property
    def slack(self) -> float:
        """Seconds a grade may take beyond its limits: a kernel starts for every run (three,
        when a crash or a timeout reruns the notebook), ~3 s each on two busy cores."""
        return 3 * SLACK if self.engine.name == "kernel" else SLACK

    def grade(
        self,
        path: Path,
        questions: list[str] | None = None,
        engine: Any = None,
        **limits: float,
    ) -> Graded:
        from grader.grade import grade_submission, plan_devices, validate_result
        from grader.sandbox.base import Limits
        from grader.submission import load_submission

        engine = engine or self.engine
        base = KERNEL_LIMITS if engine.name == "kernel" else LIMITS
        started = time.monotonic()
        result = grade_submission(
            load_submission(path),
            self.bank,
            ASSIGNMENT,
            engine,
            Limits(**{**base, **limits}),
            plan_devices("cpu"),
            question_ids=questions,
        )
        seconds = time.monotonic() - started
        validate_result(result)
        return Graded(result, seconds)

    # -- the host, seen from outside ----------------------------------------------------------

    def sentinels(self) -> list[Path]:
        """Files or folders named after the marker in the host folders an attack aims at."""
        found: list[Path] = []
        for folder in self.sentinel_dirs:
            try:
                found += [folder / n for n in os.listdir(folder) if n.startswith(self.marker)]
            except OSError:
                pass
        return found

    def assert_clean(
        self, engine: Any = "fork", still_grades: bool = True, wait: float = 5.0
    ) -> None:
        """No process of the submission left, no file outside the scratch, the engine alive.
        Processes get `wait` seconds to vanish (the kill is asynchronous)."""
        engine = self.engine if engine == "fork" else engine
        deadline = time.monotonic() + wait
        while True:
            marked = host.marked_processes(self.marker)
            extra = host.engine_processes(engine) if engine is not None else []
            if not marked and len(extra) <= self.idle_count:
                break
            if time.monotonic() > deadline:
                listing = "\n".join(str(p) for p in marked + extra)
                raise AssertionError(
                    f"processes left behind ({len(marked)} marked; {len(extra)} in the sandbox "
                    f"where {self.idle_count} run when idle):\n{listing}"
                )
            time.sleep(0.05)
        files = self.sentinels()
        assert not files, f"the submission wrote outside its scratch: {files}"
        if still_grades and engine is not None:
            graded = self.grade(SOLUTION, questions=["grid"], engine=engine)
            full = self.bank.questions["grid"].points
            assert graded.scores == {"grid": full}, "the engine no longer grades correctly"


def _idle_count(engine, grade) -> int:
    """How many processes a fork engine runs between submissions (zygote, warm children), the
    most common count over half a second after grading the solution."""
    grade(SOLUTION, engine=engine, cell_timeout=30, call_timeout=10)
    counts = []
    for _ in range(10):
        counts.append(len(host.engine_processes(engine)))
        time.sleep(0.05)
    return int(statistics.mode(counts))


@pytest.fixture(scope="session")
def idle_process_count(fork_engine, grade) -> int:
    return _idle_count(fork_engine, grade)


@pytest.fixture(scope="session")
def lean_fork_engine():
    """A fork engine started lean, as `grader grade` starts one for a single notebook (no
    meta-device warm-up, no huge pages, nothing preloaded beyond torch and IPython)."""
    from grader.sandbox import make_engine

    engine = make_engine("fork", one_notebook=[])
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def lean_idle_process_count(lean_fork_engine, grade) -> int:
    return _idle_count(lean_fork_engine, grade)


# Every attack runs against the fork engine's zygote children, and once per kind (its first
# variant) against a lean fork engine and a real Jupyter kernel (seconds per submission, slow).
@pytest.fixture(params=["fork", "lean", pytest.param("kernel", marks=pytest.mark.slow)])
def attack(request, bank, fork_engine, tmp_path):
    marker = "d2lh" + secrets.token_hex(4)  # fits a process name (15 characters)
    site = [Path(p) for p in __import__("site").getsitepackages()]
    dirs = [Path("/tmp"), ROOT, ROOT / "tests" / "hostile", Path.home(), Path("/"), *site]
    if request.param == "fork":
        engine, idle = fork_engine, request.getfixturevalue("idle_process_count")
    elif request.param == "lean":
        engine = request.getfixturevalue("lean_fork_engine")
        idle = request.getfixturevalue("lean_idle_process_count")
    else:  # a kernel engine runs nothing between submissions
        engine, idle = request.getfixturevalue("kernel_engine"), 0
    the_attack = Attack(marker, bank, engine, idle, dirs)
    yield the_attack
    # Whatever happened, do not let this attack poison the next test or the machine.
    host.kill_all(host.marked_processes(marker))
    host.remove(the_attack.sentinels())


@pytest.fixture(scope="session")
def full_scores(grade) -> dict[str, float]:
    result = grade(SOLUTION, cell_timeout=30, call_timeout=10)
    assert result["score"] == result["max_score"]
    return {q["id"]: q["score"] for q in result["questions"]}


@pytest.fixture
def isolated(fork_engine):
    """Skip where the machine gives no OS sandbox (no bubblewrap, not root): there the
    escape attacks succeed by design, and the result's `isolation.missing` says so."""
    isolation = fork_engine.isolation()
    if not isolation.full:
        pytest.skip("no full isolation here: " + "; ".join(isolation.missing))
    return isolation


# The kernel engine runs each attack once, its first variant (a kernel costs seconds per
# submission; the fork engine runs every variant): enough to show that each kind of attack fails
# there too, within a suite of about ten minutes on two cores.
# Where the kernel engine is known to fall short of the fork engine, the case is an expected
# failure with the reason (not strict: under load the timing can go either way).
KERNEL_GAPS = {
    "test_a_resource_hog_is_stopped[kernel-pipes and sockets]": (
        "the kernel engine's open-file limit is set after ipykernel opened its own sockets, "
        "and 5000 pipes plus socket pairs were not refused"
    ),
    "test_a_resource_hog_is_stopped[kernel-memory: growing until refused]": (
        "a memory hog can take the whole Jupyter kernel down, and its rerun costs other answers"
    ),
    "test_an_output_flood_is_cut[kernel]": (
        "a flood of output through the kernel's iopub channel can end the kernel; the cell is "
        "recorded as crashed, not cut"
    ),
}


def pytest_collection_modifyitems(config, items):
    seen: set[str] = set()
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        kind = callspec.params.get("attack") if callspec is not None else None
        if kind not in ("kernel", "lean"):
            kept.append(item)
            continue
        gap = KERNEL_GAPS.get(item.name)
        if gap is not None:
            # The fd-exhausting case takes ~100 s to fail on a kernel: skipped, with its reason.
            if "pipes and sockets" in item.name:
                item.add_marker(pytest.mark.skip(reason=gap))
            else:
                item.add_marker(pytest.mark.xfail(reason=gap, strict=False))
            kept.append(item)
            continue
        function = f"{kind}:{item.module.__name__}.{item.originalname}"
        if function in seen:
            dropped.append(item)
        else:
            seen.add(function)
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
