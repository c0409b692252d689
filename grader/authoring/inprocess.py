"""Grade the bank's own code (references, alternates, starters, mutants) in this process.

For trusted bank code only: `grader bank validate` and the leak test use it; `grader bank
selftest` grades the same code through the real sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..bank.model import Question
from ..bank.variants import render
from ..judge.grading import QuestionResult, grade_questions
from ..judge.runner import RunOptions
from ..judge.student import Student
from ..sandbox.base import Limits
from ..sandbox.inprocess import InProcessSession

VERIFY_SEED = "bank-verify"
# Starters and mutants are graded as a student's code is: the messages are those a student reads
# (leaks.py reads them), a check that raises says so without a traceback.
AS_GRADED = RunOptions()


@dataclass
class Run:
    """One piece of bank code graded in this process."""

    result: QuestionResult
    error: str | None  # the cell's error, None when it ran cleanly
    values: dict[str, Any] = field(default_factory=dict)  # the question's variables it set

    @property
    def fraction(self) -> float:
        """The score as a fraction of the maximum (of the checks that ran on this machine)."""
        return self.result.score / self.result.max_score if self.result.max_score > 0 else 0.0


def run_in_process(
    question: Question,
    code: str,
    options: RunOptions | None = None,
    variant: dict[str, Any] | None = None,
) -> Run:
    """Exec `code` as one cell, then grade `question` against it; keeps the variables it set.
    With `variant`, `code` (bank code: a template) and the question are those of that variant,
    and the checks get it as their `variant` fixture."""
    limits = Limits()
    session = InProcessSession(limits)
    options = options or RunOptions(debug=True)
    if question.variants:
        variant = variant or question.variant(0)  # bank code of a variant question: a template
        code = render(code, variant)
        question = question.rendered(variant)
        options = replace(options, variants={question.id: variant})
    try:
        outcome = session.run_cell(code, limits.cell_timeout)
        error = (
            None
            if outcome.status == "ok"
            else f"{outcome.error.get('type')}: {outcome.error.get('message')}"
            if outcome.error
            else outcome.status
        )
        student = Student(lambda: session, limits.call_timeout)
        (result,) = grade_questions([question], student, VERIFY_SEED, options)
        namespace = session.agent.namespace
        values = {
            d.name: namespace[d.name]
            for d in question.defines
            if d.kind == "variable" and d.name in namespace
        }
        return Run(result, error, values)
    finally:
        session.close()


def run_code_in_process(
    question: Question,
    code: str,
    options: RunOptions | None = None,
    variant: dict[str, Any] | None = None,
) -> tuple[QuestionResult, str | None]:
    """Exec `code` as one cell, then grade `question` against it. Returns (result, cell error)."""
    run = run_in_process(question, code, options, variant)
    return run.result, run.error
