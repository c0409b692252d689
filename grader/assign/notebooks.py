"""Build student templates and solution notebooks from the bank.

A template holds, per question, a prompt cell, a starter cell and a cell that runs the public
checks through otter-grader's `otter.Notebook().check(...)`. The public checks are embedded in
the notebook's first code cell (as otter OK-format tests written to a temporary folder), so the
notebook needs no other file and works whatever it is renamed to.

Output is deterministic (fixed cell ids, sorted keys), so committed notebooks can be compared
with freshly built ones to detect staleness.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..bank.model import Assignment, Bank, Question

TEXT = {
    "intro": {
        "en": (
            "Answer each question in the code cell under it, replacing `...`. Run the cell below "
            "first; then `grader.check(...)` under each question runs its **public** checks, in "
            "seconds and offline. Your submission is graded with more, **hidden** checks on other "
            "inputs, so make your code correct in general, not only for the public examples."
        ),
        "zh": (
            "请在每道题下方的代码单元格中作答，替换其中的 `...`。先运行下面的单元格；之后每道题下方的 "
            "`grader.check(...)` 会运行该题的**公开**检查，几秒即可完成，无需联网。提交后还会用其他输入运行"
            "更多**隐藏**检查，所以请确保代码在一般情况下都正确，而不仅仅是通过公开示例。"
        ),
    },
    "points": {"en": "points", "zh": "分"},
    "solution": {"en": "Reference solutions", "zh": "参考答案"},
}

SETUP_CELL = """\
# Public checks of this notebook (run this cell first) / 本笔记本的公开检查（请先运行本单元格）
import atexit, json, os, shutil, tempfile
import otter

_PUBLIC_TESTS = json.loads({tests!r})
_tests_dir = tempfile.mkdtemp(prefix="d2l-public-checks-")
atexit.register(shutil.rmtree, _tests_dir, True)  # removed when the kernel stops
for _name, _test in _PUBLIC_TESTS.items():
    with open(os.path.join(_tests_dir, _name + ".py"), "w", encoding="utf-8") as _f:
        _f.write("OK_FORMAT = True\\ntest = " + repr(_test) + "\\n")
grader = otter.Notebook(tests_dir=_tests_dir)"""


def otter_test(question: Question) -> dict[str, Any]:
    """The question's public checks as one otter OK-format test."""
    return {
        "name": question.id,
        "points": sum(c.points for c in question.public_checks),
        "suites": [
            {
                "cases": [
                    {"code": c.doctest, "hidden": False, "locked": False, "points": c.points}
                    for c in question.public_checks
                ],
                "scored": True,
                "setup": "",
                "teardown": "",
                "type": "doctest",
            }
        ],
    }


def setup_cell_source(questions: list[Question]) -> str:
    tests = {q.id: otter_test(q) for q in questions}
    return SETUP_CELL.format(tests=json.dumps(tests, ensure_ascii=False, sort_keys=True))


def _prompt_markdown(question: Question, number: int, lang: str) -> str:
    unit = TEXT["points"][lang]
    return f"## {number}. {question.title[lang]} ({question.points:g} {unit})\n\n`{question.id}`\n\n{question.prompt[lang].rstrip()}\n"


def build_notebook(
    bank: Bank, assignment: Assignment, lang: str, solutions: bool = False
) -> nbformat.NotebookNode:
    questions = bank.assignment_questions(assignment.name)
    langs = ("en", "zh") if solutions and lang == "both" else (lang,)
    title = " / ".join(assignment.title[lang_] for lang_ in langs)
    if solutions:
        title += " — " + " / ".join(TEXT["solution"][lang_] for lang_ in langs)
    intro = "\n\n".join(TEXT["intro"][lang_] for lang_ in langs)
    cells = [
        new_markdown_cell(f"# {title}\n\n{intro}\n", id="intro"),
        new_code_cell(setup_cell_source(questions), id="setup"),
    ]
    for number, question in enumerate(questions, start=1):
        prompt = "\n---\n\n".join(_prompt_markdown(question, number, lang_) for lang_ in langs)
        code = question.solution() if solutions else question.starter
        cells.append(
            new_markdown_cell(
                prompt,
                id=f"{question.id}-prompt",
                metadata={"d2l_grader": {"question": question.id}},
            )
        )
        cells.append(
            new_code_cell(
                code.rstrip() + "\n",
                id=f"{question.id}-answer",
                metadata={"d2l_grader": {"question": question.id, "role": "answer"}},
            )
        )
        cells.append(
            new_code_cell(
                f'grader.check("{question.id}")',
                id=f"{question.id}-check",
                metadata={"d2l_grader": {"question": question.id, "role": "check"}},
            )
        )
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "d2l_grader": {"assignment": assignment.name, "lang": lang, "solutions": solutions},
    }
    return notebook


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


def template_path(out_dir: Path, assignment: str, lang: str) -> Path:
    return out_dir / f"{assignment}.{lang}.ipynb"


def solution_path(out_dir: Path, assignment: str) -> Path:
    return out_dir / f"{assignment}.ipynb"


def generated_files(
    bank: Bank, assignment_name: str, templates_dir: Path, solutions_dir: Path
) -> dict[Path, str]:
    """Every file `grader assign` writes for one assignment, with its content."""
    assignment = bank.assignments[assignment_name]
    files = {
        template_path(templates_dir, assignment_name, lang): notebook_text(
            build_notebook(bank, assignment, lang)
        )
        for lang in ("zh", "en")
    }
    files[solution_path(solutions_dir, assignment_name)] = notebook_text(
        build_notebook(bank, assignment, "both", solutions=True)
    )
    return files
