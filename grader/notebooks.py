"""Build student templates and solution notebooks from the bank (`grader assign` writes them;
`grader bank validate` checks that the committed ones are fresh).

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

from .bank.model import Assignment, Bank, Question
from .execute import SETUP_CELL

TEXT = {
    "intro": {
        "en": (
            "Answer each question in the code cell under it, replacing `...` (or `None`). Run the "
            "cell below first: it sets up `grader.check` (it needs otter-grader: "
            "`pip install otter-grader`); then `grader.check(...)` under each question runs its "
            "**public** checks, in "
            "seconds and offline. Your submission is graded with more, **hidden** checks on other "
            "inputs, so make your code correct in general, not only for the public examples."
        ),
        "zh": (
            "请在每道题下方的代码单元格中作答，替换其中的 `...`（或 `None`）。先运行下面的单元格：它为 "
            "`grader.check` 做准备（需要安装 otter-grader：`pip install otter-grader`）；之后每道题下方的 "
            "`grader.check(...)` 会运行该题的**公开**检查，几秒即可完成，无需联网。提交后还会用其他输入运行"
            "更多**隐藏**检查，所以请确保代码在一般情况下都正确，而不仅仅是通过公开示例。"
        ),
    },
    "points": {"en": "points", "zh": "分"},
    # What grader.check is worth, and how to hand in (an assignment's `hand_in`, else this).
    "public_share": {
        "en": "`grader.check` runs the public checks only: they are worth {public:g} of this "
        "notebook's {total:g} points, and the hidden checks decide the rest.",
        "zh": "`grader.check` 只运行公开检查：它们只占本笔记本 {total:g} 分中的 {public:g} 分，"
        "其余分数由隐藏检查决定。",
    },
    "hand_in": {
        "en": "When you are done, save the notebook and hand in the .ipynb file the way your "
        "course asks.",
        "zh": "完成后保存笔记本，按课程的要求提交 .ipynb 文件。",
    },
    "gpu_part": {
        "en": "{total:g} points, {gpu:g} of them for CUDA checks that count only when graded on a GPU",
        "zh": "{total:g} 分，其中 {gpu:g} 分只在有 GPU 的机器上评分时计入",
    },
    "solution": {"en": "Reference solutions", "zh": "参考答案"},
}


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


def _points_label(question: Question, lang: str) -> str:
    """ "(5 points)", or with CUDA checks "(5 points; 1.5 of them count only when graded on a
    GPU)": a CPU runner leaves those out of the maximum, and the heading must say so."""
    from .judge.grading import question_checks  # imports torch: only when building notebooks

    gpu = round(sum(c.points for c in question_checks(question) if c.device == "cuda"), 6)
    text = (
        TEXT["gpu_part"][lang].format(total=question.points, gpu=gpu)
        if gpu
        else f"{question.points:g} {TEXT['points'][lang]}"
    )
    return f"（{text}）" if lang == "zh" else f"({text})"


def _prompt_markdown(question: Question, number: int, lang: str) -> str:
    space = "" if lang == "zh" else " "  # a full-width parenthesis needs no space before it
    return (
        f"## {number}. {question.title[lang]}{space}{_points_label(question, lang)}\n\n"
        f"`{question.id}`\n\n{question.prompt[lang].rstrip()}\n"
    )


def _intro(assignment: Assignment, questions: list[Question], lang: str) -> str:
    public = sum(c.points for q in questions for c in q.public_checks)
    total = sum(q.points for q in questions)
    hand_in = (assignment.hand_in or TEXT["hand_in"])[lang]
    share = TEXT["public_share"][lang].format(public=public, total=total)
    space = "" if lang == "zh" else " "
    return f"{TEXT['intro'][lang]}\n\n{share}{space}{hand_in}"


def build_notebook(
    bank: Bank,
    assignment: Assignment,
    lang: str,
    solutions: bool = False,
    variants: dict[str, dict[str, Any]] | None = None,
    student: str | None = None,
) -> nbformat.NotebookNode:
    """A student template (or, with `solutions`, the reference answers) of `assignment`, each
    question in its variant of `variants` (the default variant when not given). `student` is
    shown, and kept in the metadata for display only: grading never reads it from there."""
    variants = variants or {}
    questions = [
        q.rendered(variants.get(q.id) or q.variant(0))
        for q in bank.assignment_questions(assignment.name)
    ]
    originals = {q.id: q for q in bank.assignment_questions(assignment.name)}
    langs = ("en", "zh") if solutions and lang == "both" else (lang,)
    title = " / ".join(assignment.title[lang_] for lang_ in langs)
    if solutions:
        title += " — " + " / ".join(TEXT["solution"][lang_] for lang_ in langs)
    if student is not None:
        title += f" — {student}"
    intro = "\n\n".join(_intro(assignment, questions, lang_) for lang_ in langs)
    cells = [
        new_markdown_cell(f"# {title}\n\n{intro}\n", id="intro"),
        new_code_cell(setup_cell_source(questions), id="setup"),
    ]
    for number, question in enumerate(questions, start=1):
        prompt = "\n---\n\n".join(_prompt_markdown(question, number, lang_) for lang_ in langs)
        variant = variants.get(question.id) or question.variant(0)
        code = originals[question.id].solution_for(variant) if solutions else question.starter
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
    if student is not None:
        # a display copy: the grader takes the id from the grading source, never from here
        notebook.metadata["d2l_grader"]["student"] = student
    return notebook


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


def default_templates_dir(bank: Bank) -> Path:
    return bank.root.parent / "student_templates"


def stale_files(bank: Bank, assignment_name: str) -> list[Path]:
    """The committed notebooks of an assignment that differ from what `grader assign` would
    write now (a notebook that does not exist is not stale: a bank may keep none)."""
    files = generated_files(bank, assignment_name, default_templates_dir(bank), bank.solutions_dir)
    return [
        path
        for path, text in files.items()
        if path.exists() and path.read_text(encoding="utf-8") != text
    ]


def template_path(out_dir: Path, assignment: str, lang: str) -> Path:
    return out_dir / f"{assignment}.{lang}.ipynb"


def solution_path(out_dir: Path, assignment: str) -> Path:
    return out_dir / f"{assignment}.ipynb"


def generated_files(
    bank: Bank, assignment_name: str, templates_dir: Path, solutions_dir: Path
) -> dict[Path, str]:
    """Every file `grader assign` writes for one assignment, with its content. An assignment
    with per-student variants has none: each student gets their own (`--roster`)."""
    assignment = bank.assignments[assignment_name]
    if assignment.variants:
        return {}
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
