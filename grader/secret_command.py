"""The course secret that draws per-student variants: `grader secret init FILE`, and where the
commands find it (`--secret-file FILE`, else the environment variable GRADER_SECRET).

The secret stays with the instructor: it is read here, handed to the judge's draw
(grader/bank/variants.py), and never written into a notebook, a result or the sandbox.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import Any

from .commandline import EXIT_OK, SECRET_VARIABLE, UsageProblem, console


def cmd_secret_init(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.exists():
        raise UsageProblem(
            f"{path} already exists; a new secret would change every student's variant. "
            "Remove it first if that is what you want."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    console.print(
        f"wrote {path} (readable by you only). Keep it out of student repositories; pass "
        f"--secret-file {path} to grader assign/grade/batch/ci, or set {SECRET_VARIABLE}.",
        markup=False,
    )
    return EXIT_OK


def register(subparsers: Any) -> None:
    secret = subparsers.add_parser(
        "secret",
        help="the course secret that draws each student's variants",
        description=(
            "Variant assignments (`variants: true`) give each student their own numbers, drawn "
            "with HMAC(secret, assignment, question, student id). The secret stays with the "
            "instructor.\nExample: grader secret init ~/.config/d2l-grader/secret"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="write a new random secret to FILE (mode 0600)")
    init.add_argument("file", metavar="FILE")
    init.set_defaults(handler=cmd_secret_init)
