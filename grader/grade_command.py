"""`grader grade`: one notebook from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .commandline import (
    EXIT_OK,
    UsageProblem,
    add_feedback_arguments,
    add_limit_arguments,
    add_student_arguments,
    console,
    grader_from_args,
    launch_for_notebooks,
    load_bank_or_exit,
    require_assignments,
    require_variant_identity,
)


def cmd_grade(args: argparse.Namespace) -> int:
    from .execute import cells_to_run
    from .submission import NotebookProblem, load_submission

    try:
        submission = load_submission(Path(args.submission))
    except NotebookProblem as exc:
        raise UsageProblem(str(exc)) from None
    # The sandbox starts first, lean for this one notebook, while this process checks its
    # input, loads the bank and imports torch (docs/performance.md, "The cold path").
    cells = cells_to_run(submission.code_cells)
    engine = launch_for_notebooks(args, cells)
    try:
        bank = load_bank_or_exit(args)
        require_assignments(bank, args.assignment)
        require_variant_identity(bank, args.assignment, args)
    except BaseException:
        if engine is not None:
            engine.close()
        raise
    from .grade import summary_lines, write_result

    with grader_from_args(args, bank, args.assignment, engine=engine, one_notebook=cells) as grader:
        result = grader.grade(submission, student=args.student)
    if args.json:
        write_result(result, Path(args.json))
    for line in summary_lines(result, bank, args.lang):
        console.print(line, markup=False)
    return EXIT_OK


def register(subparsers: Any) -> None:
    grade = subparsers.add_parser(
        "grade",
        help="grade one notebook",
        description=(
            "Run every code cell of SUBMISSION in a sandbox, then run the assignment's public and "
            "hidden checks from the grader's own process, and print per-question scores and what "
            "failed. Exit 0 whenever the notebook was graded (even at 0 points), 2 when the file is "
            "not a usable notebook, 1 when the grader itself failed.\n"
            "Example: grader grade alice.ipynb --assignment preliminaries-core --json alice.json\n"
            "An assignment with variants needs the student's id and the course secret:\n"
            "  grader grade alice.ipynb --assignment preliminaries-quiz --student alice "
            "--secret-file secret"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.add_argument("submission", help="the .ipynb file")
    grade.add_argument(
        "--assignment", required=True, help="assignment name, e.g. preliminaries-core"
    )
    grade.add_argument("--json", metavar="OUT", help="write the result JSON here")
    grade.add_argument(
        "--lang",
        choices=["zh", "en"],
        help="language of the summary (default: the notebook's, from its template; else en)",
    )
    add_student_arguments(grade)
    add_limit_arguments(grade)
    add_feedback_arguments(grade)
    # Ends without Python's teardown once the result is out (cli.run).
    grade.set_defaults(handler=cmd_grade, quick_exit=True)
