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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from .bank.model import Bank
    from .grade import DevicePlan, Grader
    from .gradebook.store import Gradebook
    from .sandbox.base import Limits

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


def grader_from_args(args: argparse.Namespace, bank: Bank, assignment: str | None) -> Grader:
    """The Grader that --engine, --device, the limits and --isolation ask for; exit 2 when it
    cannot start as asked."""
    from .grade import Grader, GraderSetupError

    try:
        return Grader(
            bank,
            assignment,
            engine=args.engine,
            isolation=args.isolation,
            strict_isolation=args.strict_isolation,
            device=args.device,
            limits=limits_from_args(args),
            diagnose=getattr(args, "diagnose", True),
            hints=getattr(args, "hints", "show"),
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
