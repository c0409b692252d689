"""`grader assign`: student templates and the solution notebook of an assignment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..commandline import (
    EXIT_OK,
    UsageProblem,
    add_secret_argument,
    console,
    load_bank_or_exit,
    read_roster,
    require_assignments,
    require_variant_identity,
    secret_from_args,
)


def cmd_assign(args: argparse.Namespace) -> int:
    from . import write_assignment, write_roster_notebooks

    bank = load_bank_or_exit(args)
    require_assignments(bank, args.assignment)
    langs = ("zh", "en") if args.lang == "all" else (args.lang,)
    if args.roster:
        if not args.out:
            raise UsageProblem(
                "--roster writes one notebook per student: name the folder with --out DIR"
            )
        rows = read_roster(args.roster)
        require_variant_identity(bank, args.assignment, args, student="from the roster")
        written = write_roster_notebooks(
            bank,
            args.assignment,
            [row["student"] for row in rows],
            Path(args.out),
            langs,
            args.solutions,
            secret_from_args(args),
        )
        console.print(
            f"wrote {len(written)} notebook(s) for {len(rows)} student(s) under {args.out}"
            + (
                " (each with their own variants)"
                if bank.assignments[args.assignment].variants
                else ""
            ),
            markup=False,
        )
        return EXIT_OK
    if bank.assignments[args.assignment].variants:
        raise UsageProblem(
            f"{args.assignment} gives each student their own variants, so it has no shared "
            "template: write one notebook per student with --roster roster.csv --out DIR"
        )
    if args.solutions:
        raise UsageProblem(
            "--solutions goes with --roster (without it the solution notebook is always written)"
        )
    written = write_assignment(
        bank,
        args.assignment,
        langs,
        templates_dir=Path(args.out) if args.out else None,
        solutions_dir=Path(args.solutions_out) if args.solutions_out else None,
    )
    for path in written:
        console.print(f"wrote {path}")
    return EXIT_OK


def register(subparsers: Any) -> None:
    assign = subparsers.add_parser(
        "assign",
        help="write student templates and the solution notebook for an assignment",
        description=(
            "Write student_templates/ASSIGNMENT.LANG.ipynb (a prompt, a starter cell and a public "
            "check cell per question) and solutions/ASSIGNMENT.ipynb.\n"
            "Example: grader assign preliminaries-core --lang zh\n"
            "Per student (each with their own variants, drawn from the course secret):\n"
            "  grader assign preliminaries-quiz --roster roster.csv --out handout/ --lang zh "
            "--secret-file secret"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assign.add_argument("assignment", help="assignment name, e.g. preliminaries-core")
    assign.add_argument("--lang", choices=["zh", "en", "all"], default="all")
    assign.add_argument("--out", help="folder for the templates (default: student_templates/)")
    assign.add_argument(
        "--solutions-out", help="folder for the solution notebook (default: solutions/)"
    )
    assign.add_argument(
        "--roster",
        metavar="CSV",
        help="one notebook per student of this CSV (header line; a `student` column): "
        "OUT/<student>.<lang>.ipynb, each in the student's own variants",
    )
    assign.add_argument(
        "--solutions",
        action="store_true",
        help="with --roster: also OUT/solutions/<student>.ipynb, that student's answers",
    )
    add_secret_argument(assign)
    assign.set_defaults(handler=cmd_assign)
