"""`grader demo`: the main job on built-in sample data, for a first look and for the README."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from .assign import write_assignment
from .bank.loader import load_bank
from .bank.verify import verify_question

DEMO_ASSIGNMENT = "preliminaries-core"


def run_demo(args: argparse.Namespace, console: Console) -> int:
    bank, problems = load_bank()
    for question in bank.questions.values():
        problems += verify_question(bank, question)
    if problems:
        for problem in problems:
            console.print(f"[red]error[/red] {problem}")
        return 1
    console.print(
        f"[green]bank OK[/green]: {len(bank.questions)} questions, every reference passes, every mutant is caught"
    )
    for path in write_assignment(bank, DEMO_ASSIGNMENT):
        console.print(f"wrote {path}")
    table = Table(title=f"Catalogue of {DEMO_ASSIGNMENT}")
    for column in ("#", "id", "topic", "difficulty", "points", "title", "标题", "mutants"):
        table.add_column(column)
    for number, q in enumerate(bank.assignment_questions(DEMO_ASSIGNMENT), start=1):
        table.add_row(
            str(number),
            q.id,
            q.topic,
            "★" * q.difficulty,
            f"{q.points:g}",
            q.title["en"],
            q.title["zh"],
            str(len(q.mutants)),
        )
    console.print(table)
    return 0
