"""Export an assignment as an otter-assign master notebook, listing what otter cannot express.

The notebook has the cells `otter assign` reads: an ASSIGNMENT CONFIG raw cell, and per question
BEGIN/END QUESTION, a prompt, a SOLUTION cell and TESTS cells whose outputs are the expected
outputs. A doctest becomes a test cell when only its last example shows output (otter joins a
test cell's lines into one doctest and puts all of the cell's output after the last line).
Public checks become public tests; imported otter cases keep their hidden flag. Pytest-style
hidden checks (fixtures, parametrize, judge helpers) have no otter equivalent: they are listed.
"""

from __future__ import annotations

import doctest
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from ..bank.model import Bank, Question

SETUP_SOURCE = "import numpy as np\nimport pandas as pd\nimport torch"


@dataclass
class TestCell:
    source: str
    output: str
    hidden: bool
    points: float


@dataclass
class ExportReport:
    notebook: Path
    unexpressible_file: Path
    unexpressible: list[str] = field(default_factory=list)
    exported_cases: int = 0


def doctest_cell(code: str) -> tuple[str, str] | str:
    """(cell source, expected output), or why an otter test cell cannot express the doctest."""
    examples = doctest.DocTestParser().get_examples(code)
    if not examples:
        return "has no >>> examples"
    for example in examples:
        if example.exc_msg is not None:
            return "expects an exception, which an otter test cell cannot show"
    if any(e.want for e in examples[:-1]):
        return "shows output after more than one example; an otter test cell shows one output, after its last line"
    source = "".join(e.source for e in examples).rstrip("\n")
    return source, examples[-1].want.rstrip("\n")


def question_cells(question: Question, bank: Bank) -> tuple[list[TestCell], list[str], bool]:
    """(test cells, unexpressible lines, all_or_nothing) for one question."""
    cells: list[TestCell] = []
    missing: list[str] = []
    if question.source == "otter" and question.otter:
        for case in question.otter["cases"]:
            where = f"{question.id}: {case['name']}"
            if case["format"] != "doctest":
                missing.append(
                    f"{where}: an exception-based case; the export writes OK-format (doctest) tests"
                )
                continue
            made = doctest_cell(case["code"])
            if isinstance(made, str):
                missing.append(f"{where}: {made}")
                continue
            cells.append(TestCell(made[0], made[1], bool(case["hidden"]), float(case["points"])))
        return cells, missing, bool(question.otter.get("all_or_nothing"))
    for check in question.public_checks:
        made = doctest_cell(check.doctest)
        if isinstance(made, str):
            missing.append(f"{question.id}: public check {check.name!r}: {made}")
            continue
        cells.append(TestCell(made[0], made[1], False, check.points))
    from ..judge.grading import question_checks

    for check in question_checks(question):
        if check.visibility == "hidden":
            missing.append(
                f"{question.id}: hidden check {check.name} ({check.points:g} points): pytest-style "
                "(fixtures, parametrize, judge helpers); otter runs tests in the student's namespace"
            )
    return cells, missing, False


def _test_cell(cell: TestCell) -> Any:
    config = {"hidden": cell.hidden, "points": cell.points}
    header = (
        '""" # BEGIN TEST CONFIG\n'
        + yaml.safe_dump(config, sort_keys=False)
        + '""" # END TEST CONFIG\n'
    )
    outputs = []
    if cell.output:
        outputs = [
            new_output("execute_result", data={"text/plain": cell.output}, execution_count=1)
        ]
    return new_code_cell(header + cell.source, outputs=outputs)


def _solution(question: Question) -> str:
    if question.source == "otter" or not question.solution_path.exists():
        return question.starter  # an imported question has no reference answer
    return question.solution_for(question.variant(0)).rstrip("\n")


def build_master(bank: Bank, assignment: str) -> tuple[nbformat.NotebookNode, list[str], int]:
    config = {
        "name": assignment,
        "init_cell": False,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,
    }
    cells = [
        new_raw_cell("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
        new_markdown_cell(f"# {bank.assignments[assignment].title['en']}"),
        new_code_cell(SETUP_SOURCE),
    ]
    unexpressible: list[str] = []
    exported = 0
    for question in bank.assignment_questions(assignment):
        # otter has no per-student variants: a question with variants goes in its default one
        question = question.rendered(question.variant(0))
        tests, missing, all_or_nothing = question_cells(question, bank)
        unexpressible += missing
        if not tests:
            unexpressible.append(
                f"{question.id}: no check can be expressed; the question is left out"
            )
            continue
        exported += len(tests)
        # an imported question keeps its otter test name, so export → import round-trips
        name = question.otter["test_name"] if question.otter else question.id
        header: dict[str, Any] = {"name": name, "points": [t.points for t in tests]}
        if all_or_nothing:
            header["all_or_nothing"] = True
        cells += [
            new_raw_cell("# BEGIN QUESTION\n" + yaml.safe_dump(header, sort_keys=False)),
            new_markdown_cell(f"**{question.title['en']}**\n\n{question.prompt['en'].rstrip()}"),
            new_raw_cell("# BEGIN SOLUTION"),
            new_code_cell(_solution(question)),
            new_raw_cell("# END SOLUTION"),
            new_raw_cell("# BEGIN TESTS"),
            *(_test_cell(t) for t in tests),
            new_raw_cell("# END TESTS"),
            new_raw_cell("# END QUESTION"),
        ]
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook, unexpressible, exported


def export_otter(bank: Bank, assignment: str, out_dir: Path) -> ExportReport:
    notebook, unexpressible, exported = build_master(bank, assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{assignment}.ipynb"
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    listing = out_dir / "not-expressible.txt"
    text = "".join(line + "\n" for line in unexpressible) or "every check was exported\n"
    listing.write_text(
        f"# checks of {assignment} that otter-grader's test format cannot express\n" + text,
        encoding="utf-8",
    )
    return ExportReport(path, listing, unexpressible, exported)
