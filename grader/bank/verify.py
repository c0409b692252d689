"""Grade the bank's own code (references, starters, mutants) to prove each question works.

`run_code_in_process` is for trusted bank code only; `grader bank selftest` does the same through
the real sandbox.
"""

from __future__ import annotations

from pathlib import Path

from ..judge.grading import QuestionResult, declared_points, grade_questions
from ..judge.runner import CheckFileError, RunOptions
from ..judge.student import Student
from ..sandbox.base import Limits
from ..sandbox.inprocess import InProcessSession
from .loader import BankProblem, _rel, load_bank
from .model import Bank, Question

VERIFY_SEED = "bank-verify"


def run_code_in_process(
    question: Question, code: str, options: RunOptions | None = None
) -> tuple[QuestionResult, str | None]:
    """Exec `code` as one cell, then grade `question` against it. Returns (result, cell error)."""
    limits = Limits()
    session = InProcessSession(limits)
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
        (result,) = grade_questions(
            [question], student, VERIFY_SEED, options or RunOptions(debug=True)
        )
        return result, error
    finally:
        session.close()


def verify_question(bank: Bank, question: Question) -> list[BankProblem]:
    """Points add up; the reference passes every check on the CPU; every mutant loses points."""
    rel = _rel(question.question_file, bank.root)
    problems: list[BankProblem] = []
    try:
        total = declared_points(question)
    except CheckFileError as exc:
        return [BankProblem(_rel(question.checks_path, bank.root), "", str(exc))]
    if abs(total - question.points) > 1e-6:
        problems.append(
            BankProblem(rel, "points", f"is {question.points:g} but its checks add up to {total:g}")
        )
    if question.source == "otter":
        return problems  # imported from otter-grader: no reference solution or mutants to run
    result, error = run_code_in_process(question, question.solution())
    solution_rel = _rel(question.solution_path, bank.root)
    if error:
        problems.append(BankProblem(solution_rel, "", f"the reference raised {error}"))
    for check in result.checks:
        if check.status not in ("passed", "skipped"):
            problems.append(
                BankProblem(
                    solution_rel,
                    check.name,
                    f"the reference fails its own check ({check.status}): {check.message}",
                )
            )
    for mutant in question.mutants:
        mutant_result, _ = run_code_in_process(question, mutant.code)
        if not any(
            c.visibility == "hidden" and c.status in ("failed", "error", "timeout")
            for c in mutant_result.checks
        ):
            problems.append(
                BankProblem(
                    rel,
                    f"mutants.{mutant.name}",
                    "no hidden check catches this mutant: add a check that fails it",
                )
            )
    return problems


def validate_bank(root: Path | None = None) -> tuple[Bank, list[BankProblem]]:
    """Load the bank and verify every question; every problem found, in one list."""
    bank, problems = load_bank(root)
    for question in bank.questions.values():
        problems += verify_question(bank, question)
    return bank, problems
