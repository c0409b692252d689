"""`grader ci`: grade a repository's notebooks in a CI job.

Writes JUnit XML for test reporters, appends a Markdown table to $GITHUB_STEP_SUMMARY, writes the
GitHub Classroom reporter's `result` to $GITHUB_OUTPUT, and prints `Points x/y`. Exit codes:
0 graded (at any score, unless --min-score says otherwise), 1 a notebook scored below
--min-score or the grader itself failed, 2 unusable input (no notebook, a file that is not a
notebook, unknown assignment, --device cuda without CUDA).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..commandline import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    UsageProblem,
    add_feedback_arguments,
    add_limit_arguments,
    add_student_arguments,
    console,
    devices_from_args,
    err_console,
    grader_from_args,
    launch_for_notebooks,
    load_bank_or_exit,
    require_assignments,
    require_variant_identity,
)
from .junit import NotebookOutcome, write_junit
from .publicbank import is_public_bank, write_public_bank
from .summary import classroom_result, markdown_summary, points_line

EXAMPLES = """\
examples:
  # a student's repository: public checks on every push, JUnit for the test reporter
  grader ci --assignment preliminaries-core --public-only --junit grader-junit.xml
  # all checks on one notebook; fail the job below 60 % of the points
  grader ci work/hw1.ipynb --assignment preliminaries-core --min-score 0.6
"""


def parse_min_score(text: str) -> float:
    """`0.6` or `60%` -> 0.6: a fraction of the maximum, so it means the same whatever the
    assignment is worth and whether or not CUDA checks (left out of the maximum on CPU) ran."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageProblem(
            f"--min-score {text!r} is not a number; give a fraction of the points, e.g. 0.6 or 60%"
        ) from None
    if not 0 <= value <= 1:
        raise UsageProblem(
            f"--min-score {text!r} is outside 0..1; it is a fraction of the maximum "
            "(0.6 or 60% for sixty per cent), not points"
        )
    return value


def find_notebooks(paths: list[str]) -> list[Path]:
    """Files as given; folders searched recursively for *.ipynb, skipping hidden folders such as
    .ipynb_checkpoints, .git and .venv (autosaves and other people's notebooks)."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            for notebook in sorted(path.rglob("*.ipynb")):
                parts = notebook.relative_to(path).parts
                if any(part.startswith(".") for part in parts):
                    continue
                found.append(notebook)
        elif path.exists():
            found.append(path)
        else:
            raise UsageProblem(f"{text}: no such file or folder; pass notebooks or folders")
    unique = list(dict.fromkeys(found))
    if not unique:
        where = ", ".join(paths)
        raise UsageProblem(f"no .ipynb notebook found in {where}; pass the notebook's path")
    return unique


def _append(path_text: str | None, text: str, what: str) -> None:
    """Append to a file GitHub Actions gave us; a problem there must not lose the grade."""
    if not path_text:
        return
    try:
        with open(path_text, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        err_console.print(f"grader ci: could not write {what} to {path_text}: {exc.strerror}")


def cmd_ci(args: argparse.Namespace) -> int:
    from ..execute import cells_to_run
    from ..submission import NotebookProblem, load_submission

    min_fraction = parse_min_score(args.min_score) if args.min_score is not None else None
    notebooks = find_notebooks(args.paths or ["."])
    # Load every notebook first: unusable ones are reported without starting a sandbox.
    loaded = []
    for path in notebooks:
        try:
            loaded.append((path, load_submission(path), None))
        except NotebookProblem as exc:
            loaded.append((path, None, str(exc)))
    # The sandbox starts now, lean for these notebooks, while this process checks its input,
    # loads the bank and imports torch (docs/performance.md, "The cold path").
    cells = [c for _, s, _ in loaded if s is not None for c in cells_to_run(s.code_cells)]
    engine = launch_for_notebooks(args, cells) if any(s for _, s, _ in loaded) else None
    try:
        bank = load_bank_or_exit(args)
        require_assignments(bank, args.assignment)
        if is_public_bank(bank) and not args.public_only:
            raise UsageProblem(
                f"{bank.root} is a public bank (no hidden checks): add --public-only, or grade "
                "all checks in the course repository"
            )
        require_variant_identity(bank, args.assignment, args)
        devices_from_args(args)  # exit 2 before grading when --device cuda has no CUDA
    except BaseException:
        if engine is not None:
            engine.close()
        raise
    from ..grade import summary_lines

    outcomes: list[NotebookOutcome] = []
    grader_failed = False
    grader = (
        grader_from_args(args, bank, args.assignment, engine=engine, one_notebook=cells)
        if any(s for _, s, _ in loaded)
        else None
    )
    try:
        for path, submission, problem in loaded:
            if submission is None:
                err_console.print(f"grader ci: {problem}", markup=False)
                outcomes.append(NotebookOutcome(str(path), None, problem))
                continue
            try:
                assert grader is not None
                result = grader.grade(
                    submission, public_only=args.public_only, student=args.student
                )
            except Exception as exc:  # the grader's own failure: record it, go on
                grader_failed = True
                message = f"{path}: the grader failed: {type(exc).__name__}: {exc}"
                err_console.print(f"grader ci: {message}", markup=False)
                outcomes.append(NotebookOutcome(str(path), None, message, "grader-failure"))
                continue
            outcomes.append(NotebookOutcome(str(path), result))
            console.print(f"== {path} ==", markup=False)
            for line in summary_lines(result, bank):
                console.print(line, markup=False)
    finally:
        if grader is not None:
            grader.close()

    if args.junit:
        write_junit(outcomes, Path(args.junit))
    _append(
        os.environ.get("GITHUB_STEP_SUMMARY"),
        markdown_summary(outcomes, min_fraction),
        "the job summary",
    )
    line = points_line(outcomes)
    _append(
        os.environ.get("GITHUB_OUTPUT"),
        f"result={classroom_result(outcomes)}\npoints={line.split()[1]}\n",
        "the step outputs",
    )
    graded = [o.result for o in outcomes if o.result is not None]
    if len(graded) > 1:
        err_console.print(
            f"grader ci: {len(graded)} notebooks graded; their points add up in the Points line"
        )
    console.print(line, markup=False)

    if any(o.result is None for o in outcomes) and not grader_failed:
        return EXIT_BAD_INPUT
    if grader_failed:
        return EXIT_FAILED
    if min_fraction is not None:
        below = [
            o
            for o in outcomes
            if o.result["max_score"] > 0
            and o.result["score"] / o.result["max_score"] < min_fraction - 1e-9
        ]
        for outcome in below:
            err_console.print(
                f"grader ci: {outcome.path} scored {outcome.result['score']:g}/"
                f"{outcome.result['max_score']:g}, below --min-score {min_fraction * 100:g}%",
                markup=False,
            )
        if below:
            return EXIT_FAILED
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ci",
        help="grade a repository's notebooks in CI (JUnit XML, job summary, Points line)",
        description=(
            "Grade the notebooks in PATHS (files, or folders searched for *.ipynb; default: the "
            "current folder), skipping hidden folders such as .ipynb_checkpoints. Writes JUnit XML "
            "(--junit: a testsuite per notebook, a testcase per check; CUDA checks on a CPU runner "
            "are skipped, never failed), appends a Markdown table to $GITHUB_STEP_SUMMARY and the "
            "GitHub Classroom reporter's `result` to $GITHUB_OUTPUT when they are set, and prints "
            "`Points x/y`.\n"
            "Exit 0 when graded, 1 when a notebook scores below --min-score or the grader failed, "
            "2 for unusable input (no notebook, not a notebook, unknown assignment, --device cuda "
            "without CUDA). See docs/ci.md."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="notebooks or folders (default .)")
    parser.add_argument(
        "--assignment", required=True, help="assignment name, e.g. preliminaries-core"
    )
    parser.add_argument(
        "--public-only",
        action="store_true",
        help="run only the public checks (a student's repository: hidden checks never go there)",
    )
    parser.add_argument("--junit", metavar="FILE", help="write JUnit XML here")
    parser.add_argument(
        "--min-score",
        metavar="X",
        help="exit 1 when a notebook scores below this fraction of its maximum: 0.6 or 60%%",
    )
    add_student_arguments(parser)
    add_limit_arguments(parser)
    add_feedback_arguments(parser)
    # Ends without Python's teardown once the results are out (cli.run).
    parser.set_defaults(handler=cmd_ci, quick_exit=True)

    public = subparsers.add_parser(
        "public-bank",
        help="write the public part of the bank for students' repositories",
        description=(
            "Write OUT/bank (question texts, starters, public checks) and OUT/solutions "
            "(placeholders) for the given assignments: what a student's repository needs for "
            "`grader --bank OUT/bank ci --public-only`. Hidden checks, reference answers and "
            "known-wrong answers are left out. OUT is replaced if it is a public bank already.\n"
            "Example: grader public-bank grader-bank --assignment preliminaries-core"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    public.add_argument("out", metavar="OUT", help="folder to write (new, or an older public bank)")
    public.add_argument(
        "--assignment",
        action="append",
        required=True,
        help="assignment to include (repeat for several)",
    )
    public.set_defaults(handler=cmd_public_bank)


def cmd_public_bank(args: argparse.Namespace) -> int:
    bank = load_bank_or_exit(args)
    if is_public_bank(bank):
        raise UsageProblem(f"{bank.root} is itself a public bank; export from the course's bank")
    require_assignments(bank, *args.assignment)
    try:
        written = write_public_bank(bank, args.assignment, Path(args.out))
    except FileExistsError as exc:
        raise UsageProblem(str(exc)) from None
    console.print(
        f"wrote {args.out}/bank: {len(written)} questions, public checks only; "
        f"use: grader --bank {args.out}/bank ci --public-only --assignment {args.assignment[0]}",
        markup=False,
    )
    return EXIT_OK
