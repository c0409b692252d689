"""What every subcommand shares: exit codes, consoles, usage errors, loading the bank, the
engine/device/limit arguments, and the `Grader` built from them.

It sits below every subsystem's `commands.py` and above the library: `grader/cli.py` builds the
parser from each subsystem's `register(subparsers)`, and those handlers take their helpers from
here (never from cli.py, which nothing imports).

Exit codes: 0 done (a submission graded, even at zero points; a clean bank), 1 the bank has
problems or the grader itself failed, 2 bad input (not a notebook, unknown assignment, missing
device) with a one-line reason.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from .bank.model import Bank
    from .grade import DevicePlan, Grader
    from .gradebook.store import Gradebook
    from .sandbox.base import Engine, Limits

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageProblem(Exception):
    """Bad input from the user: printed as one line, exit 2."""


def bank_root(args: argparse.Namespace) -> Path | None:
    return Path(args.bank) if getattr(args, "bank", None) else None


def load_bank_or_exit(args: argparse.Namespace) -> Bank:
    """The bank, or exit 1 listing its problems (a broken bank cannot grade)."""
    from .bank.loader import load_bank

    bank, problems = load_bank(bank_root(args))
    if problems:
        for problem in problems:
            err_console.print(f"[red]error[/red] {problem}")
        raise SystemExit(EXIT_FAILED)
    return bank


def require_assignments(bank: Bank, *names: str) -> None:
    """Exit 2 naming the first assignment the bank does not have, and the ones it has. (Not
    through grade.py: that imports torch, which the batch parent must not.)"""
    for name in names:
        problem = bank.missing_assignment(name)
        if problem:
            raise UsageProblem(problem)


def devices_from_args(args: argparse.Namespace) -> DevicePlan:
    """The device plan for --device, or exit 2 when CUDA was asked for and is not here."""
    from .grade import DeviceUnavailable, plan_devices

    try:
        return plan_devices(args.device)
    except DeviceUnavailable as exc:
        raise UsageProblem(str(exc)) from None


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """--engine, --device, the time and memory limits, --isolation and --strict-isolation."""
    from .sandbox.base import Limits

    defaults = Limits()
    parser.add_argument(
        "--engine",
        choices=["fork", "kernel"],
        default="fork",
        help="fork: warm zygote (fast, default); kernel: a real Jupyter kernel",
    )
    parser.add_argument(
        "--device",
        choices=["cpu", "cuda", "auto"],
        default="auto",
        help="where device checks run; auto = cuda when present",
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=defaults.cell_timeout,
        metavar="S",
        help=f"seconds per cell (default {defaults.cell_timeout:g})",
    )
    parser.add_argument(
        "--call-timeout",
        type=float,
        default=defaults.call_timeout,
        metavar="S",
        help=f"seconds per call of a student function (default {defaults.call_timeout:g})",
    )
    parser.add_argument(
        "--notebook-timeout",
        type=float,
        default=defaults.notebook_timeout,
        metavar="S",
        help=f"seconds for all cells together (default {defaults.notebook_timeout:g})",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=defaults.memory_mb,
        help=f"memory a submission may add (default {defaults.memory_mb})",
    )
    parser.add_argument(
        "--isolation",
        choices=["auto", "bwrap", "none"],
        default="auto",
        help="OS sandbox: bwrap when available (auto), required (bwrap), or off (none)",
    )
    parser.add_argument(
        "--strict-isolation",
        action="store_true",
        help="refuse to grade (exit 2) unless the sandbox has full isolation",
    )


def limits_from_args(args: argparse.Namespace) -> Limits:
    from .sandbox.base import Limits

    return Limits(
        cell_timeout=args.cell_timeout,
        call_timeout=args.call_timeout,
        notebook_timeout=args.notebook_timeout,
        memory_mb=args.memory_mb,
    )


def add_feedback_arguments(parser: argparse.ArgumentParser) -> None:
    """--hints and --no-diagnosis: what a graded student is told about known mistakes."""
    parser.add_argument(
        "--hints",
        choices=["show", "hide"],
        default="show",
        help="show the hint of a diagnosed mistake to the student (default), or hide it until "
        "the deadline (it is stored either way; `grader report feedback --hints show` reveals it)",
    )
    parser.add_argument(
        "--no-diagnosis",
        dest="diagnose",
        action="store_false",
        help="do not match wrong answers against the bank's known mistakes",
    )


SECRET_VARIABLE = "GRADER_SECRET"
MIN_SECRET_CHARS = 16


def add_secret_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret-file",
        metavar="FILE",
        help=f"the course secret that draws each student's variants (default: ${SECRET_VARIABLE}; "
        "`grader secret init FILE` writes one)",
    )


def secret_from_args(args: argparse.Namespace) -> bytes | None:
    """The course secret, or None when neither --secret-file nor $GRADER_SECRET gives one."""
    path = getattr(args, "secret_file", None)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageProblem(f"{path}: cannot read the secret file ({exc.strerror})") from None
        where = path
    else:
        text = os.environ.get(SECRET_VARIABLE, "").strip()
        where = f"${SECRET_VARIABLE}"
        if not text:
            return None
    if len(text) < MIN_SECRET_CHARS:
        raise UsageProblem(
            f"{where}: a course secret needs at least {MIN_SECRET_CHARS} characters (a short one "
            "can be guessed, and with it every student's variant): `grader secret init FILE`"
        )
    return text.encode("utf-8")


def add_student_arguments(parser: argparse.ArgumentParser) -> None:
    """--student, --secret-file and --roster: who is graded, for variant assignments."""
    parser.add_argument(
        "--student",
        metavar="ID",
        help="the student's id (needed for an assignment with variants; never read from the "
        "notebook, whose metadata only carries a display copy)",
    )
    add_secret_argument(parser)
    parser.add_argument(
        "--roster",
        metavar="CSV",
        help="the class roster (CSV with a `student` column): an id not in it is graded and "
        "flagged in the result",
    )


def read_roster(path: str | Path) -> list[dict[str, str]]:
    """The roster's rows (CSV with a header and a `student` column; other columns are kept)."""
    import csv

    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageProblem(f"{path}: cannot read the roster ({exc})") from None
    if not rows or "student" not in rows[0]:
        raise UsageProblem(
            f"{path}: a roster is a CSV file with a header line naming a `student` column "
            "(one student id per line; other columns are kept)"
        )
    ids = [(row.get("student") or "").strip() for row in rows]
    for line, student in enumerate(ids, start=2):
        if not student or "\0" in student or "/" in student or student.startswith("."):
            raise UsageProblem(
                f"{path}: line {line}: {student!r} is not a usable student id (empty, or it "
                "has a / or a NUL, or starts with a dot)"
            )
    seen = set()
    for line, student in enumerate(ids, start=2):
        if student in seen:
            raise UsageProblem(f"{path}: line {line}: student {student!r} is listed twice")
        seen.add(student)
    return [{**row, "student": student} for row, student in zip(rows, ids, strict=True)]


def roster_ids(args: argparse.Namespace) -> frozenset[str] | None:
    path = getattr(args, "roster", None)
    return frozenset(row["student"] for row in read_roster(path)) if path else None


def require_variant_identity(
    bank: Bank, assignment: str, args: argparse.Namespace, student: str | None = "from args"
) -> None:
    """Exit 2 before any grading when a variant assignment lacks the student id (from
    --student, unless the caller has ids of its own) or the course secret."""
    from .bank.variants import identity_problem  # no torch: the batch parent calls this

    if student == "from args":
        student = getattr(args, "student", None)
    drawn = bank.assignments[assignment].variants if assignment in bank.assignments else False
    problem = identity_problem(drawn, assignment, student, secret_from_args(args))
    if problem:
        raise UsageProblem(problem)


def launch_for_notebooks(args: argparse.Namespace, cells: list[str]) -> Engine | None:
    """The engine --engine asks for, its sandbox launched now, started lean for the few
    notebooks whose code `cells` are given (sandbox.make_engine). Called before anything imports
    torch (grade.py does), so that the sandbox's start and this process's run side by side on
    two cores. None when it cannot launch: the Grader then tries again and says why."""
    from .sandbox import cuda_device_files, make_engine
    from .sandbox.base import EngineUnavailable

    gpu = args.device != "cpu" and cuda_device_files()  # as the Grader guesses
    try:
        engine = make_engine(args.engine, isolation=args.isolation, gpu=gpu, one_notebook=cells)
    except (EngineUnavailable, RuntimeError, ValueError):
        return None
    try:
        engine.launch()
    except (EngineUnavailable, RuntimeError):
        engine.close()
        return None
    return engine


def grader_from_args(
    args: argparse.Namespace,
    bank: Bank,
    assignment: str | None,
    *,
    engine: Engine | None = None,
    one_notebook: list[str] | None = None,
) -> Grader:
    """The Grader that --engine, --device, the limits and --isolation ask for; exit 2 when it
    cannot start as asked. `engine`: one already launched for it (launch_for_notebooks),
    which it then owns and closes; `one_notebook`: the cells of the only notebook it grades."""
    from .grade import Grader, GraderSetupError

    try:
        return Grader(
            bank,
            assignment,
            engine=engine if engine is not None else args.engine,
            own_engine=True,
            one_notebook=one_notebook,
            isolation=args.isolation,
            strict_isolation=args.strict_isolation,
            device=args.device,
            limits=limits_from_args(args),
            diagnose=getattr(args, "diagnose", True),
            hints=getattr(args, "hints", "show"),
            secret=secret_from_args(args),
            roster=roster_ids(args),
        )
    except GraderSetupError as exc:
        raise UsageProblem(str(exc)) from None


@contextmanager
def existing_gradebook(db: str) -> Iterator[Gradebook]:
    """An existing gradebook, closed afterwards (exports and reports read one): a missing path,
    a file that is not a gradebook or an unreadable one is a one-line usage error."""
    import sqlite3

    from .gradebook.store import Gradebook, GradebookProblem

    path = Path(db)
    if not path.is_file():
        raise UsageProblem(
            f"{path}: no such gradebook; fill one first with "
            f"`grader batch SUBMISSIONS --assignment A --db {path}`"
        )
    try:
        book = Gradebook(path)
    except GradebookProblem as exc:
        raise UsageProblem(str(exc)) from None
    except sqlite3.DatabaseError as exc:  # e.g. locked or unreadable
        raise UsageProblem(f"{path}: cannot read the gradebook ({exc})") from None
    try:
        yield book
    finally:
        book.close()
