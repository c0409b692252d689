"""The `grader` command: builds the parser from each subsystem's `register(subparsers)` and
dispatches. Every subcommand's --help explains what it does and shows an example.

Nothing imports this module: shared helpers (exit codes, consoles, the engine and limit
arguments, the Grader built from them) live in `grader/commandline.py`, below every subsystem.
Handlers import heavy modules lazily, so that `grader --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from . import __version__, demo, doctor, grade_command, secret_command
from .assign import commands as assign_commands
from .authoring import commands as authoring_commands
from .batch import commands as batch_commands
from .ci import commands as ci_commands
from .commandline import EXIT_BAD_INPUT, EXIT_FAILED, UsageProblem, err_console
from .exports import commands as export_commands
from .otter import commands as otter_commands
from .reports import commands as report_commands
from .serve import commands as serve_commands

# In the order `grader --help` lists them: the data flow, bank to reports.
SUBSYSTEMS = (
    authoring_commands,
    assign_commands,
    grade_command,
    secret_command,
    demo,
    doctor,
    batch_commands,
    export_commands,
    ci_commands,
    report_commands,
    otter_commands,
    serve_commands,
)


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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for subsystem in SUBSYSTEMS:
        subsystem.register(subparsers)
    return parser


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader left


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (tests call this; it never exits the process)."""
    parser = build_parser()
    return dispatch(parser, parser.parse_args(argv))


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
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
    except BrokenPipeError:
        # The reader went away (`grader bank list --json | head`): stop quietly, as a shell
        # tool does, and keep Python from failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except SystemExit:
        raise
    except Exception as exc:  # the grader's own failure: say so, exit 1
        import traceback

        err_console.print(f"grader: internal error: {type(exc).__name__}: {exc}", markup=False)
        err_console.print(traceback.format_exc(), markup=False, style="dim")
        return EXIT_FAILED


def run(argv: Any = None) -> None:
    """The `grader` command's entry point (tests call `main`, which never exits)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    code = dispatch(parser, args)
    if getattr(args, "quick_exit", False):
        # A command that has closed everything it opened (its sandbox, its files) ends here,
        # without Python's teardown of torch, sympy and pandas: ~0.6 s of a one-notebook
        # `grader grade` (docs/performance.md). Only what is buffered still has to go out.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
