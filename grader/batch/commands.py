"""`grader batch`: grade a folder or zip of submissions into a gradebook."""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the batch parent does not import torch (the workers do)
    from ..bank.model import Bank
    from .worker import GradeConfig

BATCH_HELP = """\
Grade every submission in SOURCE on warm workers and record each one in a SQLite gradebook the
moment it is graded.

SOURCE is a folder of .ipynb files (student id = file name without .ipynb), an nbgrader tree
(submitted/<student>/<assignment>/*.ipynb), or a .zip of either. Archive entries that leave the
folder, are not notebooks, or unpack past the size cap are refused one by one with a reason.

Reruns grade only what is new or changed (same student, assignment and file hash = skipped);
--force regrades everything. Killing the batch loses no finished grade: run it again to finish.
A student may have several submissions: all are kept and the latest counts.

Examples:
  grader batch submissions/ --assignment preliminaries-core --db gradebook.sqlite --workers 2
  grader batch course.zip --assignment preliminaries-core --db gradebook.sqlite --cluster local
  grader batch nb/ --assignment preliminaries-core --db gb.sqlite --cluster tcp://10.0.0.5:8786
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..commandline import add_feedback_arguments, add_limit_arguments, add_secret_argument

    parser = subparsers.add_parser(
        "batch",
        help="grade a folder or zip of submissions into a gradebook",
        description=BATCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", help="folder of .ipynb, nbgrader submitted/ tree, or .zip")
    parser.add_argument("--assignment", required=True, help="e.g. preliminaries-core")
    parser.add_argument("--db", required=True, help="gradebook file (SQLite), created if missing")
    parser.add_argument("--workers", type=int, default=2, help="warm grader processes (default 2)")
    parser.add_argument(
        "--force", action="store_true", help="regrade submissions already in the gradebook"
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT joins a scheduler",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no table, only the totals line"
    )
    parser.add_argument(
        "--policy",
        choices=["latest", "best"],
        help="which submission counts when a student has several: the latest (default) or the "
        "best; recorded in the gradebook, so exports and reports follow it",
    )
    add_secret_argument(parser)
    parser.add_argument(
        "--roster",
        metavar="CSV",
        help="the class roster (CSV with a `student` column): a submission of an id not in it "
        "is graded and flagged in its result",
    )
    add_limit_arguments(parser)
    add_feedback_arguments(parser)
    parser.set_defaults(handler=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from ..commandline import (
        EXIT_FAILED,
        EXIT_OK,
        UsageProblem,
        console,
        devices_from_args,
        err_console,
        load_bank_or_exit,
        require_assignments,
        require_variant_identity,
        roster_ids,
        secret_from_args,
    )
    from ..gradebook.store import Gradebook, GradebookProblem
    from .pool import PoolProblem
    from .runner import run_batch
    from .sources import SourceProblem

    if args.workers < 1:
        raise UsageProblem(f"--workers must be at least 1 (got {args.workers})")
    if args.cluster and args.cluster != "local" and "://" not in args.cluster:
        raise UsageProblem(
            f"--cluster {args.cluster!r}: give 'local' or a scheduler address such as tcp://HOST:8786"
        )
    bank = load_bank_or_exit(args)
    require_assignments(bank, args.assignment)
    # the ids come from the source's file names or nbgrader tree; the secret must be here
    require_variant_identity(bank, args.assignment, args, student="from the source")
    secret = secret_from_args(args)
    roster = roster_ids(args)
    if args.device == "cuda":  # refuse before any worker starts when there is no CUDA here
        devices_from_args(args)  # (only then: it imports torch, ~2 s the workers would wait)
    config = grade_config_from_args(args, bank, args.assignment, secret, roster)
    progress = Progress(
        TextColumn("[bold]{task.description}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[counts]}"),
        console=console,
        disable=args.quiet,
        transient=False,
    )
    counts = {"graded": 0, "error": 0, "skipped": 0, "refused": 0}
    # Until the first answer the workers are starting (each imports torch and warms a sandbox:
    # seconds), which the bar says rather than sitting at 0 without a word.
    starting = "connecting to Dask" if args.cluster else f"starting {args.workers} worker(s)"
    task_id = progress.add_task(starting, total=None, rate="", counts="")

    def on_found(total: int) -> None:
        progress.update(task_id, total=total)

    clock: dict[str, float] = {}

    def on_progress(kind: str) -> None:
        # The rate counts graded submissions from the first answer on (skips are instant, and
        # worker start-up is not grading).
        counts[kind] += 1
        now = time.monotonic()
        graded = counts["graded"] + counts["error"]
        if kind in ("graded", "error") and "first" not in clock:
            clock["first"] = now
            progress.update(task_id, description="grading")
        rate = (
            (graded - 1) / (now - clock["first"])
            if graded > 1 and now > clock.get("first", now)
            else 0
        )
        progress.update(
            task_id,
            advance=1,
            rate=f"{rate:.1f}/s" if rate else "",
            counts=" ".join(f"{k} {v}" for k, v in counts.items() if v),
        )

    try:
        with progress:
            report = run_batch(
                Path(args.source),
                config,
                Path(args.db),
                workers=args.workers,
                force=args.force,
                cluster=args.cluster,
                on_found=on_found,
                on_progress=on_progress,
            )
            progress.update(task_id, description="done")
    except (SourceProblem, GradebookProblem) as exc:
        raise UsageProblem(str(exc)) from None
    except PoolProblem as exc:
        if exc.usage:
            raise UsageProblem(str(exc)) from None
        err_console.print(f"grader: {exc}", markup=False)
        return EXIT_FAILED

    with Gradebook(Path(args.db)) as book:
        if args.policy:
            book.set_policy(args.policy)
        rows = book.overview(args.assignment)
        policy = book.policy
    if not args.quiet:
        _print_table(console, rows, report, policy)
        for row in rows:  # the table cuts long reasons to fit: here they are whole
            if row["status"] != "graded" and row["error"]:
                console.print(f"could not grade {row['student']}: {row['error']}", markup=False)
        for label, reason in report.refused:
            console.print(f"refused {label}: {reason}", markup=False)
    console.print(
        f"{report.found} submission(s) found ({report.layout}): {report.graded} graded, "
        f"{report.errors} could not be graded, {report.skipped} already in the gradebook"
        + (f", {report.duplicates} duplicate file(s)" if report.duplicates else "")
        + (f", {len(report.refused)} refused" if report.refused else "")
        + f". Gradebook: {args.db}",
        markup=False,
    )
    return EXIT_OK


def _print_table(console, rows: list[dict], report, policy: str) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"Gradebook (several submissions per student: the {policy} counts, marked ✓)",
        caption="full reasons of the errors: below the table; new = graded now",
    )
    # Narrow terminals (CI logs are 80 columns) shrink only the status, never the numbers.
    table.box = box.SIMPLE
    table.add_column("student", no_wrap=True, min_width=8)
    table.add_column("score", justify="right", min_width=5)
    table.add_column("max", justify="right", min_width=4)
    student_width = max([8, *(len(row["student"]) for row in rows)])
    room = max(16, min(60, console.width - (student_width + 5 + 4 + 6 + 3 + 16) - 24))
    table.add_column("status", no_wrap=True)
    table.add_column("counts", justify="center", min_width=6)
    table.add_column("new", justify="center", min_width=3)
    table.add_column("submitted", no_wrap=True, min_width=16)
    for row in rows:
        error = row["error"] or ""
        if error.startswith(row["source"] + ": "):  # the path is known; keep the reason
            error = error[len(row["source"]) + 2 :]
        status = "graded" if row["status"] == "graded" else f"error: {error}"
        if len(status) > room:
            status = status[: room - 1] + "…"
        table.add_row(
            row["student"],
            f"{row['score']:g}" if row["score"] is not None else "0",
            f"{row['max_score']:g}" if row["max_score"] is not None else "–",
            status,
            "✓" if row["counts"] else "",
            "✓" if (row["student"], row["sha256"]) in report.this_run else "",
            row["submitted_at"][:16].replace("T", " "),
        )
    console.print(table, soft_wrap=False)


def grade_config_from_args(
    args: argparse.Namespace,
    bank: Bank,
    assignment: str,
    secret: bytes | None,
    roster: frozenset[str] | None = None,
) -> GradeConfig:
    """What every warm worker needs (grader batch, grader serve), from the command line."""
    from ..commandline import limits_from_args
    from .worker import GradeConfig

    return GradeConfig(
        assignment=assignment,
        bank_root=str(bank.root) if args.bank else None,
        engine=args.engine,
        isolation=args.isolation,
        device=args.device,
        strict_isolation=args.strict_isolation,
        limits=asdict(limits_from_args(args)),
        diagnose=getattr(args, "diagnose", True),
        hints=getattr(args, "hints", "show"),
        secret=secret.decode("utf-8") if secret else None,
        roster=sorted(roster) if roster is not None else None,
    )
