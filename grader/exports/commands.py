"""`grader export csv|gradescope|json|mistakes`: read the gradebook, write files. Never writes the
gradebook."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..commandline import existing_gradebook
from ..otter.commands import add_otter_export

EXPORT_HELP = """\
Export grades from a gradebook written by `grader batch`.

  csv         one row per student (the submission that counts), a column per question, total
  gradescope  a Gradescope results.json per submission, validated against its schema
  json        every stored submission with its full result, and which one counts
  mistakes    one row per (student, question) that lost points, with the known mistake diagnosed
  otter       an assignment (not grades) as an otter-assign master notebook: see docs/otter.md

Examples:
  grader export csv --db gradebook.sqlite --out out/grades.csv --assignment preliminaries-core
  grader export gradescope --db gradebook.sqlite out/gradescope/
  grader export json --db gradebook.sqlite --out out/gradebook.json
  grader export mistakes --db gradebook.sqlite --out out/mistakes.csv
  grader export otter preliminaries-core otter-export/
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help="grades as CSV, Gradescope results.json or JSON; an assignment for otter-grader",
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

    gs = formats.add_parser(
        "gradescope",
        help="a Gradescope results.json per submission",
        description=(
            "Write DIR/<assignment>/<student>/results.json for the submission that counts "
            "(with --all, every submission, under <student>/<sha12>/). "
            "Example: grader export gradescope --db gradebook.sqlite out/gradescope/"
        ),
    )
    gs.add_argument("dir", help="output folder")
    gs.add_argument("--db", required=True, help="the gradebook (SQLite)")
    gs.add_argument("--assignment", help="only this assignment")
    gs.add_argument(
        "--all", action="store_true", help="every submission, not just the counting one"
    )
    gs.add_argument(
        "--hidden-visibility",
        choices=["hidden", "after_due_date", "after_published"],
        default="after_published",
        help="Gradescope visibility of hidden checks (default after_published)",
    )
    gs.add_argument(
        "--lang", choices=["en", "zh"], default="en", help="language of messages and diagnoses"
    )
    gs.set_defaults(handler=cmd_export_gradescope)

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
    add_otter_export(formats)
    export.set_defaults(handler=lambda args: _no_format(export))


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


def cmd_export_gradescope(args: argparse.Namespace) -> int:
    from ..commandline import console
    from .gradescope import write_gradescope

    with existing_gradebook(args.db) as book:
        _check_assignment(book, args.assignment)
        results = book.results(args.assignment, counting_only=not args.all)
    written = write_gradescope(
        results, Path(args.dir), hidden_visibility=args.hidden_visibility, lang=args.lang
    )
    console.print(
        f"wrote {len(written)} results.json under {args.dir} (each validated against the schema)",
        markup=False,
    )
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
