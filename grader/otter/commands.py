"""`grader import otter` and `grader export otter` (see docs/otter.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..commandline import EXIT_OK, UsageProblem, console, require_assignments


def _bank_root(args: argparse.Namespace) -> Path:
    from ..bank.loader import default_bank_dir

    return Path(args.bank) if getattr(args, "bank", None) else default_bank_dir()


def cmd_import_otter(args: argparse.Namespace) -> int:
    from ..bank.loader import load_bank
    from .importer import OtterImportError, import_otter

    root = _bank_root(args)
    if not (root / "topics.yaml").exists():
        raise UsageProblem(f"{root}: not a bank folder (no topics.yaml); pass --bank DIR")
    try:
        report = import_otter(Path(args.source), args.name, root, replace=args.replace)
    except OtterImportError as exc:
        raise UsageProblem(str(exc)) from None
    foolable = 0
    for folder, test in report.questions:
        flag = " (all_or_nothing)" if test.all_or_nothing else ""
        unit = "point" if test.points == 1 else "points"
        console.print(f"{folder.name}: {test.points:g} {unit} from {test.file}{flag}", markup=False)
        for case in test.cases:
            foolable += case.foolable
            verdict = "FOOLABLE" if case.foolable else "safe    "
            visibility = "hidden" if case.hidden else "public"
            console.print(
                f"  {verdict} {case.name} [{visibility}, {case.points:g} pt, {case.runs_in}]: {case.why}",
                markup=False,
            )
    _, problems = load_bank(root)
    for problem in problems:
        console.print(f"warning: {problem}", markup=False)
    total = sum(len(t.cases) for _, t in report.questions)
    console.print(
        "Each question is graded where its grader.check cell stands in the notebook (at the "
        "end when there is none), as otter grades.",
        markup=False,
    )
    if report.intercell_seed:
        seed = report.intercell_seed
        seeding = (
            f"{seed['variable']} = {seed['seed']}"
            if seed["variable"]
            else f"numpy's and Python's generators seeded with {seed['seed']}"
        )
        console.print(
            f"Before every cell: {seeding} (otter_config.json), as otter's autograder does.",
            markup=False,
        )
    console.print(
        f"wrote {report.assignment_file} and {len(report.questions)} question(s) under "
        f"{root / 'imported'}; {total - foolable} of {total} case(s) cannot be fooled by student code.\n"
        f"Grade with: grader{' --bank ' + str(root) if getattr(args, 'bank', None) else ''} "
        f"grade SUBMISSION.ipynb --assignment {report.assignment}",
        markup=False,
    )
    return EXIT_OK


def cmd_export_otter(args: argparse.Namespace) -> int:
    from ..bank.loader import load_bank
    from .export import export_otter

    bank, problems = load_bank(_bank_root(args))
    if problems:
        raise UsageProblem(f"the bank has problems ({problems[0]}); run `grader bank validate`")
    require_assignments(bank, args.assignment)
    report = export_otter(bank, args.assignment, Path(args.dir))
    console.print(f"wrote {report.notebook} ({report.exported_cases} test case(s))", markup=False)
    if report.unexpressible:
        console.print(
            f"{len(report.unexpressible)} check(s) otter's format cannot express "
            f"(also in {report.unexpressible_file}):",
            markup=False,
        )
        for line in report.unexpressible:
            console.print(f"  {line}", markup=False)
    console.print(f"Build it with: otter assign {report.notebook} DIST", markup=False)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    importer = subparsers.add_parser("import", help="import an assignment from another grader")
    import_sub = importer.add_subparsers(dest="import_format", metavar="FORMAT")
    otter = import_sub.add_parser(
        "otter",
        help="import an otter-grader assignment (autograder zip or tests folder)",
        description=(
            "Turn an otter-grader assignment into one of ours: each test file becomes a question "
            "under BANK/imported/NAME-TEST/ and the assignment BANK/assignments/NAME.yaml. Test "
            "files are parsed, never run here; points, hidden flags and all_or_nothing follow "
            "otter's rules. Each case is printed with where it runs and whether student code could "
            "still fool it.\n"
            "Example: grader import otter hw1-autograder.zip --name hw1\n"
            "         grader grade alice.ipynb --assignment hw1"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    otter.add_argument("source", help="the autograder zip from `otter assign`, or a tests/ folder")
    otter.add_argument("--name", required=True, help="assignment name, e.g. hw1")
    otter.add_argument(
        "--bank",
        default=argparse.SUPPRESS,
        help="bank folder to write into (default: the repository's bank/)",
    )
    otter.add_argument(
        "--replace", action="store_true", help="overwrite an earlier import of this assignment"
    )
    otter.set_defaults(handler=cmd_import_otter)


def add_otter_export(export_formats: argparse._SubParsersAction) -> None:
    """`grader export otter`: `grader export` belongs to grader.exports, which adds this format
    of ours to its own (csv, gradescope, json)."""
    out = export_formats.add_parser(
        "otter",
        help="write an otter-assign master notebook",
        description=(
            "Write DIR/ASSIGNMENT.ipynb, an otter-assign master notebook (ASSIGNMENT CONFIG, "
            "BEGIN/END QUESTION, SOLUTION and TESTS cells), and DIR/not-expressible.txt, the "
            "checks otter's format cannot express (printed too).\n"
            "Example: grader export otter preliminaries-core out/ && otter assign "
            "out/preliminaries-core.ipynb dist/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    out.add_argument("assignment", help="assignment name, e.g. preliminaries-core")
    out.add_argument("dir", help="output folder")
    out.add_argument("--bank", default=argparse.SUPPRESS, help="bank folder (default: bank/)")
    out.set_defaults(handler=cmd_export_otter)
