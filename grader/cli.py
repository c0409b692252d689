"""The `grader` command. Every subcommand's --help explains what it does and shows an example.

Exit codes: 0 done (a submission graded, even at zero points; a clean bank), 1 the bank has
problems or the grader itself failed, 2 bad input (not a notebook, unknown assignment, missing
device) with a one-line reason.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageProblem(Exception):
    """Bad input from the user: printed as one line, exit 2."""


# Subcommands that live next to their subsystem. Each module has `register(subparsers)`, which
# adds its parsers with `set_defaults(handler=...)`; handlers import heavy modules lazily so that
# `grader --help` stays fast.
SUBSYSTEM_COMMANDS: tuple[str, ...] = (
    "grader.batch.commands",
    "grader.exports.commands",
    "grader.ci.commands",
    "grader.reports.commands",
    "grader.interop.commands",
)


def require_assignments(bank, *names: str) -> None:
    """Exit 2 naming the first assignment the bank does not have, and the ones it has."""
    for name in names:
        if name not in bank.assignments:
            raise UsageProblem(
                f"unknown assignment {name!r}; known: {', '.join(sorted(bank.assignments))}"
            )


def devices_from_args(args: argparse.Namespace):
    """The device plan for --device, or exit 2 when CUDA was asked for and is not here."""
    from .grade import DeviceUnavailable, plan_devices

    try:
        return plan_devices(args.device)
    except DeviceUnavailable as exc:
        raise UsageProblem(str(exc)) from None


# ---------------------------------------------------------------------------------------------
# bank
# ---------------------------------------------------------------------------------------------


def _load_bank(args: argparse.Namespace):
    """The bank, or exit 1 listing its problems (a broken bank cannot grade)."""
    from .bank.loader import load_bank

    bank, problems = load_bank(Path(args.bank) if args.bank else None)
    if problems:
        for problem in problems:
            err_console.print(f"[red]error[/red] {problem}")
        raise SystemExit(EXIT_FAILED)
    return bank


def cmd_bank_list(args: argparse.Namespace) -> int:
    bank = _load_bank(args)
    questions = [q for q in bank.questions.values() if args.topic in (None, q.topic)]
    if args.topic and args.topic not in bank.topics:
        raise UsageProblem(f"unknown topic {args.topic!r}; topics: {', '.join(bank.topics)}")
    order = list(bank.topics)
    questions.sort(key=lambda q: (order.index(q.topic), q.difficulty, q.id))
    if args.json:
        print(json.dumps([q.summary() for q in questions], ensure_ascii=False, indent=2))
        return EXIT_OK
    table = Table(title=f"{len(questions)} questions")
    for column in ("id", "topic", "difficulty", "points", "title (en)", "title (zh)"):
        table.add_column(column)
    for q in questions:
        table.add_row(
            q.id, q.topic, "★" * q.difficulty, f"{q.points:g}", q.title["en"], q.title["zh"]
        )
    console.print(table)
    return EXIT_OK


def cmd_bank_validate(args: argparse.Namespace) -> int:
    from .bank.verify import validate_bank

    bank, problems = validate_bank(Path(args.bank) if args.bank else None)
    for problem in problems:
        err_console.print(f"[red]error[/red] {problem}")
    if problems:
        err_console.print(f"{len(problems)} problem(s) in the bank.")
        return EXIT_FAILED
    mutants = sum(len(q.mutants) for q in bank.questions.values())
    console.print(
        f"bank OK: {len(bank.questions)} questions in {len(bank.topics)} topics, "
        f"{len(bank.assignments)} assignment(s); every reference passes its checks and all {mutants} mutants are caught."
    )
    return EXIT_OK


def cmd_bank_selftest(args: argparse.Namespace) -> int:
    from .bank.selftest import command

    return command(args)


def cmd_bank_catalogue(args: argparse.Namespace) -> int:
    from .bank.catalogue import command

    return command(args)


# ---------------------------------------------------------------------------------------------
# assign
# ---------------------------------------------------------------------------------------------


def cmd_assign(args: argparse.Namespace) -> int:
    from .assign import write_assignment

    bank = _load_bank(args)
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


# ---------------------------------------------------------------------------------------------
# grade
# ---------------------------------------------------------------------------------------------


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
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


def limits_from_args(args: argparse.Namespace):
    from .sandbox.base import Limits

    return Limits(
        cell_timeout=args.cell_timeout,
        call_timeout=args.call_timeout,
        notebook_timeout=args.notebook_timeout,
        memory_mb=args.memory_mb,
    )


def open_engine(args: argparse.Namespace, gpu: bool):
    from .sandbox import make_engine
    from .sandbox.base import EngineUnavailable

    try:
        engine = make_engine(args.engine, isolation=args.isolation, gpu=gpu)
        isolation = engine.isolation()
    except (EngineUnavailable, RuntimeError) as exc:
        raise UsageProblem(f"the {args.engine} engine cannot start here: {exc}") from None
    if args.strict_isolation and not isolation.full:
        engine.close()
        raise UsageProblem("--strict-isolation: the sandbox lacks " + "; ".join(isolation.missing))
    return engine


def cmd_grade(args: argparse.Namespace) -> int:
    from .grade import grade_submission, summary_lines, validate_result, write_result
    from .submission import NotebookProblem, load_submission

    bank = _load_bank(args)
    require_assignments(bank, args.assignment)
    try:
        submission = load_submission(Path(args.submission))
    except NotebookProblem as exc:
        raise UsageProblem(str(exc)) from None
    devices = devices_from_args(args)
    engine = open_engine(args, gpu="cuda" in devices.devices)
    try:
        result = grade_submission(
            submission, bank, args.assignment, engine, limits_from_args(args), devices
        )
    finally:
        engine.close()
    validate_result(result)
    if args.json:
        write_result(result, Path(args.json))
    for line in summary_lines(result, bank):
        console.print(line, markup=False)
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    return run_doctor(args.json, console)


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args, console)


# ---------------------------------------------------------------------------------------------
# parser
# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description=(
            "Question bank and sandboxed autograder for d2l's Preliminaries chapter (PyTorch).\n\n"
            "Data flows one way: bank → assign → sandbox ⇄ judge → results.\n"
            "Start with `grader demo`, which grades the built-in sample submissions."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    parser.add_argument("--bank", help="bank folder (default: the repository's bank/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    bank = sub.add_parser(
        "bank", help="list, validate and selftest the question bank; write its catalogue"
    )
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION")
    listing = bank_sub.add_parser(
        "list",
        help="list questions",
        description="List the questions of the bank. Example: grader bank list --topic autograd --json",
    )
    listing.add_argument("--topic", help="only this topic")
    listing.add_argument(
        "--json", action="store_true", help="print a JSON array instead of a table"
    )
    listing.set_defaults(handler=cmd_bank_list)
    validate = bank_sub.add_parser(
        "validate",
        help="check every question file, run every reference and mutant",
        description=(
            "Validate the bank: schema of every YAML file, known topics, unique ids, points that add "
            "up, references that pass all their checks, mutants that some hidden check catches. "
            "Each problem is printed as FILE: FIELD: PROBLEM. Exit 1 when there is any."
        ),
    )
    validate.set_defaults(handler=cmd_bank_validate)
    selftest = bank_sub.add_parser(
        "selftest",
        help="grade every reference, starter and mutant through the real sandbox",
        description=(
            "Grade each question's reference (must get full marks), starter (must get 0 on hidden "
            "checks) and mutants (each must lose points) as one-cell notebooks through the sandbox, "
            "and each assignment's solution notebook (full marks) and templates (0 on hidden "
            "checks). Prints counts per topic, the mutant kill rate and every failure as "
            "ID: VARIANT: PROBLEM; exit 1 on any failure.\n"
            "Example: grader bank selftest --topic calculus --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    selftest.add_argument(
        "--topic", action="append", help="only this topic (repeatable) and its assignment"
    )
    selftest.add_argument(
        "--question", nargs="+", metavar="ID", help="only these questions (no assignments)"
    )
    selftest.add_argument("--json", action="store_true", help="print a JSON report")
    add_limit_arguments(selftest)
    selftest.set_defaults(handler=cmd_bank_selftest)
    catalogue = bank_sub.add_parser(
        "catalogue",
        help="write bank/README.md, the catalogue of questions",
        description=(
            "Generate bank/README.md from the bank: per topic its questions (title, kind, "
            "difficulty, points, what the hidden checks catch) and the assignments. With --check, "
            "write nothing and exit 1 when the file is stale.\n"
            "Example: grader bank catalogue --check"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    catalogue.add_argument("--check", action="store_true", help="exit 1 if bank/README.md is stale")
    catalogue.set_defaults(handler=cmd_bank_catalogue)

    assign = sub.add_parser(
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

    grade = sub.add_parser(
        "grade",
        help="grade one notebook",
        description=(
            "Run every code cell of SUBMISSION in a sandbox, then run the assignment's public and "
            "hidden checks from the grader's own process, and print per-question scores and what "
            "failed. Exit 0 whenever the notebook was graded (even at 0 points), 2 when the file is "
            "not a usable notebook, 1 when the grader itself failed.\n"
            "Example: grader grade alice.ipynb --assignment preliminaries-core --json alice.json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.add_argument("submission", help="the .ipynb file")
    grade.add_argument(
        "--assignment", required=True, help="assignment name, e.g. preliminaries-core"
    )
    grade.add_argument("--json", metavar="OUT", help="write the result JSON here")
    add_limit_arguments(grade)
    grade.set_defaults(handler=cmd_grade)

    demo = sub.add_parser(
        "demo",
        help="the main job on built-in sample data",
        description="Validate the bank, build the templates, and print the catalogue.",
    )
    demo.set_defaults(handler=cmd_demo)

    doctor = sub.add_parser(
        "doctor",
        help="show what isolation this machine gives the sandbox",
        description=(
            "Check bubblewrap, root, setpriv and CUDA, then run a probe cell in a real sandbox "
            "child: its uid, network, environment, whether it sees the project, the bank or home "
            "folders, whether it can signal the zygote. Exit 0 with full isolation, 1 otherwise.\n"
            "Example: grader doctor --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--json", action="store_true", help="print a JSON report")
    doctor.set_defaults(handler=cmd_doctor)

    for module_name in SUBSYSTEM_COMMANDS:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return handler(args)
    except UsageProblem as exc:
        err_console.print(f"grader: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err_console.print("grader: interrupted")
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # the grader's own failure: say so, exit 1
        import traceback

        err_console.print(f"grader: internal error: {type(exc).__name__}: {exc}", markup=False)
        err_console.print(traceback.format_exc(), markup=False, style="dim")
        return EXIT_FAILED


def run(argv: Any = None) -> None:
    sys.exit(main(argv))


if __name__ == "__main__":
    run()
