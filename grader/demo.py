"""`grader demo`: the main job on built-in sample data, for a first look and for the README.

It validates the bank, rebuilds the templates, writes a handful of sample submissions made from
the bank (a full solution, an untouched template, solutions with typical mistakes, a student
who tries to fool the grader, a file that is not a notebook) and grades them all with the warm
fork engine, printing one line per submission and the per-question report of one of them.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .commandline import console

DEMO_ASSIGNMENT = "preliminaries-core"

CHEATER = """import torch
torch.allclose = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: True
print("grid results: All test cases passed!")

class Anything:
    def __eq__(self, other):
        return True

def make_grid(rows, cols):
    return Anything()
"""


def write_samples(bank, folder: Path) -> list[Path]:
    import nbformat

    solution = bank.solutions_dir / f"{DEMO_ASSIGNMENT}.ipynb"
    template = bank.root.parent / "student_templates" / f"{DEMO_ASSIGNMENT}.zh.ipynb"
    samples = {"alice-full-marks": solution, "bob-untouched-template": template}
    mistakes = {
        "carol-typical-mistakes": ["grid", "normalize-rows", "two-losses"],
        "dan-more-mistakes": ["concat", "sgd-step", "vector-norms", "detach"],
    }
    paths = []
    for name, source in samples.items():
        path = folder / f"{name}.ipynb"
        path.write_bytes(source.read_bytes())
        paths.append(path)
    for name, ids in mistakes.items():
        nb = nbformat.read(solution, 4)
        for cell in nb.cells:
            meta = cell.metadata.get("d2l_grader", {})
            if meta.get("role") == "answer" and meta["question"] in ids:
                cell.source = bank.questions[meta["question"]].mutants[0].code
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    nb = nbformat.read(template, 4)
    for cell in nb.cells:
        if (
            cell.metadata.get("d2l_grader", {}).get("question") == "grid"
            and cell.metadata["d2l_grader"].get("role") == "answer"
        ):
            cell.source = CHEATER
    nbformat.write(nb, folder / "eve-tries-to-cheat.ipynb")
    paths.append(folder / "eve-tries-to-cheat.ipynb")
    (folder / "frank-not-a-notebook.ipynb").write_text(
        '{"cells": [ {"cell_type": "code", "sou', encoding="utf-8"
    )
    paths.append(folder / "frank-not-a-notebook.ipynb")
    return paths


def run_demo(args: argparse.Namespace, console: Console) -> int:
    from .assign import write_assignment
    from .authoring.verify import validate_bank
    from .execute import CELL_PROBLEMS
    from .grade import Grader, summary_lines
    from .submission import NotebookProblem, load_submission

    bank, problems = validate_bank()
    if problems:
        for problem in problems:
            console.print(f"[red]error[/red] {problem}")
        return 1
    console.print(
        f"[green]bank OK[/green]: {len(bank.questions)} questions; every reference passes, every mutant is caught"
    )
    for path in write_assignment(bank, DEMO_ASSIGNMENT):
        console.print(f"wrote {path}")
    table = Table(title=f"Sample submissions graded on {DEMO_ASSIGNMENT}")
    for column in ("submission", "score", "cells with errors", "time", "isolation"):
        table.add_column(column)
    report = None
    with tempfile.TemporaryDirectory() as tmp, Grader(bank, DEMO_ASSIGNMENT) as grader:
        for path in write_samples(bank, Path(tmp)):
            try:
                submission = load_submission(path)
            except NotebookProblem as exc:
                table.add_row(path.stem, "not graded", str(exc).split(": ", 1)[-1], "", "")
                continue
            result = grader.grade(submission)
            errors = sum(1 for c in result["cells"] if c["status"] in CELL_PROBLEMS)
            table.add_row(
                path.stem,
                f"{result['score']:g}/{result['max_score']:g}",
                str(errors),
                f"{result['timings']['total_s'] * 1000:.0f} ms",
                result["isolation"]["mechanism"]
                + ("" if result["isolation"]["full"] else " (partial)"),
            )
            if path.stem.startswith("carol"):
                report = result
    console.print(table)
    if report is not None:
        console.print("\nReport for carol-typical-mistakes:")
        for line in summary_lines(report, bank):
            console.print(line, markup=False)
    return 0


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="the main job on built-in sample data",
        description="Validate the bank, build the templates, and print the catalogue.",
    )
    demo.set_defaults(handler=lambda args: run_demo(args, console))
