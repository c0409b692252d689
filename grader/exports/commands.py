"""`grader export csv|json|mistakes|canvas|moodle` (read the gradebook, write files; never write
it) and `grader gradescope` (an autograder zip for Gradescope)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..commandline import existing_gradebook
from ..otter.commands import add_otter_export

EXPORT_HELP = """\
Export grades from a gradebook written by `grader batch`.

  csv         one row per student (the submission that counts), a column per question, total
  canvas      one assignment's column of a Canvas gradebook export, filled, for Canvas to import
  moodle      Moodle's grade-import CSV
  json        every stored submission with its full result, and which one counts
  mistakes    one row per (student, question) that lost points, with the known mistake diagnosed
  otter       an assignment (not grades) as an otter-assign master notebook: see docs/otter.md

Examples:
  grader export csv --db gradebook.sqlite --out out/grades.csv --assignment preliminaries-core
  grader export json --db gradebook.sqlite --out out/gradebook.json
  grader export mistakes --db gradebook.sqlite --out out/mistakes.csv
  grader export otter preliminaries-core otter-export/
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help="grades as CSV or JSON, for Canvas or Moodle; an assignment for otter-grader",
        description=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    formats = export.add_subparsers(dest="export_format", metavar="FORMAT")

    csv_parser = formats.add_parser(
        "csv",
        help="one row per student, a column per question, a total",
        description="Example: grader export csv --db gradebook.sqlite --out out/grades.csv",
    )
    csv_parser.add_argument("--db", required=True, help="the gradebook (SQLite)")
    csv_parser.add_argument("--out", required=True, help="the CSV file to write")
    csv_parser.add_argument(
        "--assignment", help="which assignment (needed when the gradebook holds several)"
    )
    csv_parser.set_defaults(handler=cmd_export_csv)

    js = formats.add_parser(
        "json",
        help="every stored submission with its result",
        description="Example: grader export json --db gradebook.sqlite --out out/gradebook.json",
    )
    js.add_argument("--db", required=True, help="the gradebook (SQLite)")
    js.add_argument("--out", required=True, help="the JSON file to write")
    js.add_argument("--assignment", help="only this assignment")
    js.add_argument(
        "--counting-only", action="store_true", help="only the submission that counts per student"
    )
    js.set_defaults(handler=cmd_export_json)

    mistakes = formats.add_parser(
        "mistakes",
        help="the diagnosed misconceptions, one row per (student, question) that lost points",
        description=(
            "Columns: student, assignment, question, mutant (the known mistake the answer "
            "behaved like; empty when it matched none), score, max_score, behaviour (students "
            "with the same fingerprint answered alike). The submission that counts per student.\n"
            "Example: grader export mistakes --db gradebook.sqlite --out out/mistakes.csv"
        ),
    )
    mistakes.add_argument("--db", required=True, help="the gradebook (SQLite)")
    mistakes.add_argument("--out", required=True, help="the CSV file to write")
    mistakes.add_argument("--assignment", help="only this assignment")
    mistakes.set_defaults(handler=cmd_export_mistakes)
    canvas = formats.add_parser(
        "canvas",
        help="fill one assignment's column of a Canvas gradebook export, for Canvas to import",
        description=(
            "Read the CSV Canvas exports (Grades > Export > Export Entire Gradebook), fill COLUMN "
            "for the students matched by SIS Login ID, SIS User ID or Canvas ID (or through "
            "--roster, columns `student` and `canvas`), scaled to the column's Points Possible, "
            "and write the CSV to import (Grades > Import). Unmatched students are listed. See "
            "docs/lms.md.\n"
            "Example: grader export canvas --db gradebook.sqlite --canvas-csv export.csv "
            '--assignment preliminaries-core --column "Preliminaries (12345)" --out import.csv'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    canvas.add_argument("--db", required=True, help="the gradebook (SQLite)")
    canvas.add_argument("--canvas-csv", required=True, help="the gradebook CSV Canvas exported")
    canvas.add_argument("--assignment", required=True, help="our assignment to take scores from")
    canvas.add_argument("--column", required=True, help='the Canvas column, e.g. "Quiz 1 (12345)"')
    canvas.add_argument(
        "--roster", help="CSV mapping `student` (ours) to `canvas` (login or SIS id)"
    )
    canvas.add_argument("--out", required=True, help="the CSV to import into Canvas")
    canvas.set_defaults(handler=cmd_export_canvas)

    moodle = formats.add_parser(
        "moodle",
        help="Moodle's grade-import CSV",
        description=(
            "Write a CSV for Moodle's Grades > Import > CSV file: a column identifying each user "
            "(--id-field: email, idnumber or username; our student ids, or mapped through "
            "--roster with a column of that name) and one column with the assignment's scores. "
            "See docs/lms.md.\n"
            "Example: grader export moodle --db gradebook.sqlite --assignment "
            "preliminaries-core --out moodle.csv --id-field email --roster roster.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    moodle.add_argument("--db", required=True, help="the gradebook (SQLite)")
    moodle.add_argument("--assignment", required=True, help="the assignment to export")
    moodle.add_argument("--out", required=True, help="the CSV to write")
    moodle.add_argument("--id-field", choices=["email", "idnumber", "username"], default="email")
    moodle.add_argument("--roster", help="CSV mapping `student` to a column named like --id-field")
    moodle.set_defaults(handler=cmd_export_moodle)
    add_otter_export(formats)
    export.set_defaults(handler=lambda args: _no_format(export))

    autograder = subparsers.add_parser(
        "gradescope",
        help="build a Gradescope autograder zip for an assignment",
        description=(
            "Write the zip Gradescope's programming assignments take: setup.sh (Python, "
            "bubblewrap, the grader from a wheel inside the zip, torch pinned), run_autograder "
            "(grades the one uploaded notebook in our sandbox, writes results.json), and this "
            "assignment's questions. See docs/lms.md.\n"
            "Example: grader gradescope preliminaries-core --out out/autograder.zip --hints hide"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    autograder.add_argument("assignment")
    autograder.add_argument("--out", required=True, help="the zip to write")
    _gradescope_options(autograder)
    autograder.set_defaults(handler=cmd_gradescope)

    run = subparsers.add_parser(
        "gradescope-run",
        help="(inside Gradescope) grade the uploaded notebook, write results.json",
        description="What the autograder zip's run_autograder calls; see `grader gradescope`.",
    )
    run.add_argument("--assignment", required=True)
    run.add_argument("--submission", required=True, help="the folder Gradescope uploads into")
    run.add_argument("--results", required=True, help="results.json to write")
    _gradescope_options(run)
    run.set_defaults(handler=cmd_gradescope_run)


def _gradescope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hints", choices=["show", "hide"], default="show")
    parser.add_argument(
        "--hidden-visibility",
        choices=["hidden", "after_due_date", "after_published"],
        default="after_published",
        help="Gradescope visibility of hidden checks (default after_published)",
    )
    parser.add_argument("--lang", choices=["en", "zh"], default="en")


def _no_format(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _check_assignment(book, assignment: str | None) -> None:
    from ..commandline import UsageProblem

    known = book.assignments()
    if assignment is not None and assignment not in known:
        raise UsageProblem(
            f"no assignment {assignment!r} in {book.path}; it holds: {', '.join(known) or 'nothing yet'}"
        )


def cmd_export_csv(args: argparse.Namespace) -> int:
    from ..commandline import UsageProblem, console
    from .csvfile import write_csv

    with existing_gradebook(args.db) as book:
        _check_assignment(book, args.assignment)
        assignment = args.assignment
        if assignment is None:
            known = book.assignments()
            if len(known) != 1:
                raise UsageProblem(
                    f"{args.db} holds {len(known)} assignments ({', '.join(known) or 'none'}); choose one with --assignment"
                )
            assignment = known[0]
        rows = write_csv(book.results(assignment), Path(args.out))
    console.print(f"wrote {args.out}: {rows} student(s), assignment {assignment}", markup=False)
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    from ..commandline import console
    from .jsonfile import write_json

    with existing_gradebook(args.db) as book:
        _check_assignment(book, args.assignment)
        results = book.results(args.assignment, counting_only=args.counting_only)
    count = write_json(results, Path(args.out))
    console.print(f"wrote {args.out}: {count} submission(s)", markup=False)
    return 0


def cmd_export_mistakes(args: argparse.Namespace) -> int:
    from ..commandline import console
    from .mistakes import write_mistakes

    with existing_gradebook(args.db) as book:
        _check_assignment(book, args.assignment)
        results = book.results(args.assignment, counting_only=True)
    rows = write_mistakes(results, Path(args.out))
    console.print(f"wrote {args.out}: {rows} row(s)", markup=False)
    return 0


def cmd_export_canvas(args: argparse.Namespace) -> int:
    from ..commandline import UsageProblem, console
    from .lms import LmsProblem, fill_canvas, read_csv, roster_mapping, scores_of, write_csv

    try:
        mapping = roster_mapping(Path(args.roster), "canvas") if args.roster else None
        canvas = read_csv(Path(args.canvas_csv))
        with existing_gradebook(args.db) as book:
            _check_assignment(book, args.assignment)
            scores = scores_of(book.results(args.assignment))
        filled = fill_canvas(canvas, args.column, scores, mapping)
    except LmsProblem as exc:
        raise UsageProblem(str(exc)) from None
    write_csv(filled.rows, Path(args.out))
    console.print(
        f"wrote {args.out}: {len(filled.matched)} grade(s) in {args.column!r}", markup=False
    )
    if filled.unmatched_grades:
        console.print(
            f"not in the Canvas export (no grade written): {', '.join(filled.unmatched_grades)}",
            markup=False,
        )
    if filled.without_grade:
        console.print(
            f"in Canvas but with no graded submission here: {', '.join(filled.without_grade)}",
            markup=False,
        )
    return 0


def cmd_export_moodle(args: argparse.Namespace) -> int:
    from ..commandline import UsageProblem, console
    from .lms import LmsProblem, moodle_rows, roster_mapping, scores_of, write_csv

    try:
        mapping = roster_mapping(Path(args.roster), args.id_field) if args.roster else None
        with existing_gradebook(args.db) as book:
            _check_assignment(book, args.assignment)
            scores = scores_of(book.results(args.assignment))
        rows = moodle_rows(scores, args.assignment, args.id_field, mapping)
    except LmsProblem as exc:
        raise UsageProblem(str(exc)) from None
    unmapped = sorted(s for s in scores if mapping is not None and s not in mapping)
    write_csv(rows, Path(args.out))
    console.print(f"wrote {args.out}: {len(rows) - 1} grade(s)", markup=False)
    if unmapped:
        console.print(
            f"not in the roster (written under our id; Moodle will skip them unless it knows "
            f"that id): {', '.join(unmapped)}",
            markup=False,
        )
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    from ..commandline import UsageProblem, console, load_bank_or_exit, require_assignments
    from .autograder import AutograderProblem, build_autograder

    bank = load_bank_or_exit(args)
    require_assignments(bank, args.assignment)
    if bank.assignments[args.assignment].variants:
        raise UsageProblem(
            f"{args.assignment} draws a variant per student from the course secret, which does "
            "not go into a Gradescope zip; hand out a non-variant assignment there"
        )
    try:
        names = build_autograder(
            bank,
            args.assignment,
            Path(args.out),
            hints=args.hints,
            hidden_visibility=args.hidden_visibility,
            lang=args.lang,
        )
    except AutograderProblem as exc:
        raise UsageProblem(str(exc)) from None
    questions = len(bank.assignments[args.assignment].question_ids)
    console.print(
        f"wrote {args.out} ({len(names)} files, {questions} questions); upload it in Gradescope: "
        "Configure Autograder > Zip file upload (docs/lms.md)",
        markup=False,
    )
    return 0


def cmd_gradescope_run(args: argparse.Namespace) -> int:
    from ..commandline import console, load_bank_or_exit
    from .autograder import run_in_gradescope

    bank = load_bank_or_exit(args)
    data = run_in_gradescope(
        bank,
        args.assignment,
        Path(args.submission),
        Path(args.results),
        hints=args.hints,
        hidden_visibility=args.hidden_visibility,
        lang=args.lang,
    )
    console.print(f"score {data['score']:g}; wrote {args.results}", markup=False)
    return 0
