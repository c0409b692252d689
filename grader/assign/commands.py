"""`grader assign`: student templates and the solution notebook of an assignment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..commandline import EXIT_OK, console, load_bank_or_exit, require_assignments


def cmd_assign(args: argparse.Namespace) -> int:
    from . import write_assignment

    bank = load_bank_or_exit(args)
    require_assignments(bank, args.assignment)
    langs = ("zh", "en") if args.lang == "all" else (args.lang,)
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
            "Example: grader assign preliminaries-core --lang zh"
        ),
    )
    assign.add_argument("assignment", help="assignment name, e.g. preliminaries-core")
    assign.add_argument("--lang", choices=["zh", "en", "all"], default="all")
    assign.add_argument("--out", help="folder for the templates (default: student_templates/)")
    assign.add_argument(
        "--solutions-out", help="folder for the solution notebook (default: solutions/)"
    )
    assign.set_defaults(handler=cmd_assign)
