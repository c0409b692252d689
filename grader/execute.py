"""Run a notebook's code cells in an engine, surviving cells that hang or crash.

A cell's error does not stop later cells. A cell that times out or kills its process is recorded
on that cell, and the notebook is run again from the start without it, so the answers in the
other cells can still be graded. When a check's call later times out or crashes the child, the
same cells are replayed in a fresh child before the next check. Replays are charged to a budget
as long as the notebook's own time limit: a submission that keeps killing its own process (a
timer that exits, say) then fails the remaining checks instead of being replayed without end.

Cells that only call `grader.check("<question>")` are not run (status "skipped"): they show
the student the public checks' results, and grading runs those same public checks in the judge.
Running them cost ~25 ms of a submission's ~30 ms of cells (otter's doctest machinery, 14 times
in preliminaries-core) and could change what is graded only through student functions that
keep state between calls, or a `grader` the student replaced with their own object. A check
cell with anything else in it runs like any other cell. A question graded where its check cell
stands (otter's semantics, `graded_at: check`) has that cell replaced by a snapshot cell
(SNAPSHOT_CODE below). An otter assignment's intercell seed goes before every other cell, where
otter puts it.
"""

from __future__ import annotations

import ast
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from .sandbox.base import CellOutcome, Engine, Limits, SandboxCrashed, Session
from .sandbox.inside import protocol

# The statuses of a cell that did not run cleanly (what reports list as problems); the others
# are "ok" and "skipped".
CELL_PROBLEMS = ("error", "timeout", "crashed")

_PUBLIC_CHECK_CALL = re.compile(r"""\s*grader\.check\(\s*(["'])([\w.-]+)\1\s*\)\s*;?\s*""")
SKIPPED = CellOutcome("skipped")


# The first code cell of every notebook `grader assign` writes (notebooks.setup_cell_source):
# it imports otter and sets up the public checks that the check cells run.
SETUP_CELL = """\
# Public checks of this notebook (run this cell first) / 本笔记本的公开检查（请先运行本单元格）
import atexit, json, os, shutil, tempfile
import otter

_PUBLIC_TESTS = json.loads({tests!r})
_tests_dir = tempfile.mkdtemp(prefix="d2l-public-checks-")
atexit.register(shutil.rmtree, _tests_dir, True)  # removed when the kernel stops
for _name, _test in _PUBLIC_TESTS.items():
    with open(os.path.join(_tests_dir, _name + ".py"), "w", encoding="utf-8") as _f:
        _f.write("OK_FORMAT = True\\ntest = " + repr(_test) + "\\n")
grader = otter.Notebook(tests_dir=_tests_dir)"""
# What that cell binds: a notebook whose other cells mention none of these (as a word, in any
# code, string or comment) behaves the same without it; grading then skips it ("skipped"), as
# the bare check cells that would use it. It costs otter's import (~0.5 s in a sandbox started
# for one notebook) and writing a file per question (docs/performance.md).
SETUP_CELL_NAMES = (
    "atexit", "json", "os", "shutil", "tempfile", "otter",
    "_PUBLIC_TESTS", "_tests_dir", "_name", "_test", "_f", "grader",
)  # fmt: skip
_SETUP_HEAD, _SETUP_TAIL = SETUP_CELL.split("{tests!r}")
_SETUP_CELL_NAME = re.compile(r"\b(?:" + "|".join(SETUP_CELL_NAMES) + r")\b")


def is_setup_cell(source: str) -> bool:
    """`source` is SETUP_CELL as written, with one string literal for its tests."""
    source = source.strip()
    if not (source.startswith(_SETUP_HEAD) and source.endswith(_SETUP_TAIL)):
        return False
    literal = source[len(_SETUP_HEAD) : len(source) - len(_SETUP_TAIL)]
    try:
        tree = ast.parse(literal, mode="eval")  # parsed, never run
    except (SyntaxError, ValueError):
        return False
    return isinstance(tree.body, ast.Constant) and isinstance(tree.body.value, str)


def unused_setup_cells(cells: list[tuple[int, str]], skipped: set[int]) -> set[int]:
    """The indexes of setup cells whose names no other cell that runs mentions."""
    setup = {index for index, source in cells if is_setup_cell(source)}
    others = (source for index, source in cells if index not in setup and index not in skipped)
    if not setup or any(_SETUP_CELL_NAME.search(source) for source in others):
        return set()
    return setup


def skipped_cells(cells: list[tuple[int, str]]) -> set[int]:
    """The indexes of the cells grading does not run: the bare check calls and an unused
    setup cell."""
    skipped = {index for index, source in cells if is_public_check_call(source)}
    return skipped | unused_setup_cells(cells, skipped)


def cells_to_run(cells: list[tuple[int, str]]) -> list[str]:
    """The sources of the cells grading runs (all but `skipped_cells`)."""
    skipped = skipped_cells(cells)
    return [source for index, source in cells if index not in skipped]


def is_public_check_call(source: str) -> bool:
    """The cell is exactly one `grader.check("name")` call, as the student templates have it."""
    return _PUBLIC_CHECK_CALL.fullmatch(source) is not None


def checked_name(source: str) -> str | None:
    """The question a check cell checks (`grader.check("q3")` -> "q3"), else None."""
    match = _PUBLIC_CHECK_CALL.fullmatch(source)
    return match.group(2) if match else None


# Where a question is graded at its check cell (otter's semantics, `graded_at: check`), that
# cell is replaced by this one: it keeps, in the student's process, a view of the namespace as
# it is now (a dict copy, with the question's own names deep-copied, so that a later in-place
# change does not reach it), and the judge's requests for that question name the view
# (`scope`, see inside/agent.py). It is the judge's code, run in the sandbox; what it keeps
# never leaves as anything but the plain data the judge asks for.
SNAPSHOT_CODE = """import copy
view = dict(namespace)
for name in names:
    if name in view and type(view[name]).__name__ != "module":
        try:
            view[name] = copy.deepcopy(view[name])
        except Exception:
            pass  # kept as it is (otter, too, reads the live object)
store = namespace.get(STORE)
if type(store) is not dict:
    store = namespace[STORE] = {}
store[key] = view
"""
SNAPSHOT_STORE = protocol.SNAPSHOTS  # where the agent finds them (inside/agent.py)


def snapshot_cell(key: str, names: list[str]) -> str:
    """The cell that takes question `key`'s snapshot of the namespace (see SNAPSHOT_CODE)."""
    return (
        f"exec({SNAPSHOT_CODE!r}, {{'namespace': globals(), 'names': {names!r}, "
        f"'key': {key!r}, 'STORE': {SNAPSHOT_STORE!r}}})"
    )


def seed_prefix(seed: int, variable: str | None) -> str:
    """otter's intercell seeding, put before a cell's code: `variable = seed`, or numpy's and
    Python's generators seeded (otter's GradingPreprocessor.add_seeds)."""
    if variable:
        return f"{variable} = {seed}\n"
    return f"__import__('numpy').random.seed({seed}); __import__('random').seed({seed})\n"


def seeded(source: str, prefix: str) -> str:
    """`source` with otter's seed before it (cells starting with a %% cell magic are left as
    they are, as otter does)."""
    return source if not prefix or source.startswith("%%") else prefix + source


class LostSession(Session):
    """Stands in for a child that may not be replayed: every request fails at once."""

    alive = False

    def __init__(self, message: str) -> None:
        self.message = message

    def run_cell(self, source: str, timeout: float) -> CellOutcome:
        return CellOutcome("crashed", {"type": "Crashed", "message": self.message})

    def request(self, header: dict[str, Any], values: dict[str, Any], timeout: float) -> Any:
        raise SandboxCrashed(self.message)

    def close(self) -> None:
        pass


NOT_RUN_IN_TIME = {
    "type": "Timeout",
    "message": "the notebook's total time limit was reached before this cell ran",
}
LOST_MESSAGE = (
    "the student's process kept ending during the checks and its restarts used up the "
    "notebook's time limit; the remaining checks were not run"
)


def expired_message(budget: float) -> str:
    return (
        f"the grading's total time limit ({budget:g} s) was reached: the sandbox was stopped "
        "and the remaining cells and checks were not run"
    )


@dataclass
class CellRecord:
    index: int
    outcome: CellOutcome

    def as_dict(self) -> dict:
        error = None
        if self.outcome.error:
            error = {
                "type": self.outcome.error.get("type", ""),
                "message": self.outcome.error.get("message", ""),
            }
        return {
            "index": self.index,
            "status": self.outcome.status,
            "error": error,
            "seconds": round(self.outcome.seconds, 4),
        }


class NotebookRun:
    """The live execution of one submission: its session, and how to rebuild it."""

    def __init__(
        self,
        engine: Engine,
        cells: list[tuple[int, str]],
        limits: Limits,
        *,
        snapshots: dict[str, list[str]] | None = None,
        cell_prefix: str = "",
    ) -> None:
        """`snapshots`: check name -> the names to copy, for the questions graded at their check
        cell (their check cells become snapshot cells); `cell_prefix`: code put before every
        cell the student wrote (otter's intercell seed, see `seed_prefix`)."""
        self.engine = engine
        self.all_cells = cells
        self.skipped = skipped_cells(cells)
        snapshots = snapshots or {}
        self.cells = []
        for index, source in cells:
            name = checked_name(source) if index in self.skipped else None
            if name in snapshots:
                self.cells.append((index, snapshot_cell(name, snapshots[name])))
            elif index not in self.skipped:
                self.cells.append((index, seeded(source, cell_prefix)))
        self.snapshot_keys = {n for _, s in cells if (n := checked_name(s)) in snapshots}
        self.limits = limits
        self.removed: dict[int, CellOutcome] = {}  # cells that hung or crashed
        self.records: list[CellRecord] = []
        self._session: Session | None = None
        self._starting: Session | None = None  # the session a watchdog must abort
        self.restarts = 0
        self.replay_seconds = 0.0
        self.expired = False  # the grading's watchdog fired (see expire())

    def _start_session(self) -> Session:
        session = self.engine.start_session(self.limits)
        self._starting = session
        if self.expired:  # the watchdog fired while the sandbox was starting
            session.abort()
        return session

    def expire(self) -> None:
        """The grading's watchdog (another thread): the whole time budget is spent. Abort the
        session in use; from now on nothing is replayed, and what was not run is recorded so."""
        self.expired = True
        for session in (self._starting, self._session):
            if session is not None:
                session.abort()

    def execute(self) -> list[CellRecord]:
        deadline = time.monotonic() + self.limits.notebook_timeout
        while True:
            session = self._start_session()
            pending = [(index, source) for index, source in self.cells if index not in self.removed]
            outcomes = session.run_cells(
                [source for _, source in pending], self.limits.cell_timeout, deadline
            )
            ran = dict(zip((index for index, _ in pending), outcomes, strict=False))
            last = outcomes[-1] if outcomes else None
            if self.expired:
                return self._expired_records(
                    session, ran, pending[len(outcomes) - 1][0] if outcomes else None
                )
            if last is not None and last.status in ("timeout", "crashed"):
                # Rerun without that cell, so the answers in the other cells can be graded.
                self.removed[pending[len(outcomes) - 1][0]] = last
                session.close()
                self.restarts += 1
                continue
            self._session = session
            return self._records(ran, NOT_RUN_IN_TIME)

    def _records(self, ran: dict[int, CellOutcome], not_run: dict[str, str]) -> list[CellRecord]:
        records = []
        for index, _ in self.all_cells:
            if index in self.skipped:
                records.append(CellRecord(index, SKIPPED))
                continue
            outcome = ran.get(index) or self.removed.get(index)
            if outcome is None:  # a time limit came first
                outcome = self.removed[index] = CellOutcome("timeout", dict(not_run))
            records.append(CellRecord(index, outcome))
        self.records = records
        return records

    def _expired_records(
        self, session: Session, ran: dict[int, CellOutcome], last_index: int | None
    ) -> list[CellRecord]:
        """The watchdog stopped the sandbox during the cells: the cell that was running is
        recorded as stopped by it (not as the crash its abort looked like), and the checks
        will find a lost session."""
        message = expired_message(self.limits.grading_budget)
        if last_index is not None and ran[last_index].status in ("timeout", "crashed"):
            ran[last_index] = CellOutcome(
                "timeout", {"type": "Timeout", "message": message}, seconds=ran[last_index].seconds
            )
        session.close()
        self._session = LostSession(message)
        return self._records(ran, {"type": "Timeout", "message": message})

    def session(self) -> Session:
        """The live session; replays the good cells in a fresh child if the last one was lost."""
        if self.expired and not getattr(self._session, "alive", False):
            self._session = LostSession(expired_message(self.limits.grading_budget))
            return self._session
        if self._session is None or not getattr(self._session, "alive", True):
            remaining = self.limits.notebook_timeout - self.replay_seconds
            if remaining <= 0:
                self._session = LostSession(LOST_MESSAGE)
                return self._session
            self.restarts += 1
            started = time.monotonic()
            deadline = started + remaining
            session = self._start_session()
            sources = [source for index, source in self.cells if index not in self.removed]
            session.run_cells(sources, self.limits.cell_timeout, deadline)
            self.replay_seconds += time.monotonic() - started
            self._session = session
        return self._session

    def lost(self) -> None:
        if self._session is not None:
            self._session.close()
        self._session = None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


class Watchdog:
    """Ends one grading that outlives its whole time budget (Limits.grading_budget).

    Every wait in the sandbox has its own deadline; this is the net under all of them (a
    library that blocks without one, a bug): when the budget is spent, `on_expiry` runs on the
    watchdog's thread, and it must only signal (NotebookRun.expire aborts the session)."""

    def __init__(self, seconds: float, on_expiry: Any) -> None:
        self.seconds = seconds
        self._timer = threading.Timer(seconds, on_expiry)
        self._timer.daemon = True
        self._timer.name = "grading-watchdog"

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
