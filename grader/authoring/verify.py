"""Grade the bank's own code (references, alternates, starters, mutants) to prove each question
works and that its score means the skill.

The code is graded in this process (inprocess.py, trusted bank code only); `grader bank selftest` does the same through
the real sandbox. What `verify_question` proves, for every question written for the bank:

- the points add up, and sit in the band of the question's difficulty (`POINTS_BY_DIFFICULTY`);
- the reference and every alternate (another correct answer) get full marks;
- the starter gets 0 on hidden checks;
- every mutant is caught and earns at most its `credit` (a fraction of the question's points);
- a function question has at least `MIN_ALTERNATES` alternates;
- in a value, choice or predict question, public checks carry 0 points (they check the format)
  and no failure message gives the answer away (`leaks.py`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..bank.loader import BankProblem, load_bank, relative_path
from ..bank.model import Bank, Question
from ..judge.grading import QuestionResult, declared_points
from ..judge.runner import CheckFileError, CheckResult
from ..notebooks import stale_files
from ..statuses import NOT_PASSED
from .catalogue import catalogue_path, is_fresh
from .inprocess import AS_GRADED, run_in_process
from .leaks import ANSWER_KINDS, hint_problems, leaks_in

CREDIT_SLACK = 1e-9
# The judge's message for a name the student's namespace lacks (judge/student.py NameMissing).
UNDEFINED = re.compile(r"`([^`(]+)` is not defined\.")
MIN_ALTERNATES = 2  # for function questions
# difficulty -> (least, most) points: a harder question is worth more.
POINTS_BY_DIFFICULTY = {1: (2.0, 3.0), 2: (4.0, 5.0), 3: (6.0, 8.0)}


def _first_lost(result: QuestionResult) -> str:
    """The first check that did not pass, as 'NAME (status): message'."""
    lost: list[CheckResult] = [c for c in result.checks if c.status in NOT_PASSED]
    if not lost:
        return ""
    check = lost[0]
    message = " ".join(check.message.split())
    more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
    return f"{check.name} ({check.status}): {message[:160]}{more}"


def points_band_problem(question: Question) -> str | None:
    """Why the question's points do not fit its difficulty (None when they do)."""
    band = POINTS_BY_DIFFICULTY.get(question.difficulty)
    if band is None or band[0] - 1e-9 <= question.points <= band[1] + 1e-9:
        return None
    least, most = band
    return (
        f"is {question.points:g}, but a {'★' * question.difficulty} question (difficulty "
        f"{question.difficulty}) is worth {least:g}–{most:g} points: re-weight its checks "
        "(@points) or re-rate its difficulty honestly"
    )


def verify_question(bank: Bank, question: Question) -> list[BankProblem]:
    """Every problem of one question (see the module docstring for what is proved)."""
    rel = relative_path(question.question_file, bank.root)
    problems: list[BankProblem] = []
    try:
        total = declared_points(question)
    except CheckFileError as exc:
        return [BankProblem(relative_path(question.checks_path, bank.root), "", str(exc))]
    if abs(total - question.points) > 1e-6:
        public = sum(c.points for c in question.public_checks)
        problems.append(
            BankProblem(
                rel,
                "points",
                f"is {question.points:g} but its checks add up to {total:g} (public checks "
                f"{public:g} + hidden checks {total - public:g}, each hidden check's @points "
                "times its parametrized cases and devices): make them agree",
            )
        )
    if not question.written_for_bank:
        return problems  # imported from otter-grader: no reference solution or mutants to run
    band = points_band_problem(question)
    if band:
        problems.append(BankProblem(rel, "points", band))
    answer_kind = question.kind in ANSWER_KINDS
    if answer_kind:
        for index, check in enumerate(question.public_checks):
            if check.points:
                problems.append(
                    BankProblem(
                        rel,
                        f"public_checks.{index}.points",
                        f"the public check {check.name!r} carries {check.points:g} point(s); in a "
                        f"{question.kind} question public checks only check the format: set "
                        "points: 0 and give the points to the hidden checks",
                    )
                )
    if question.kind == "function" and len(question.alternates) < MIN_ALTERNATES:
        problems.append(
            BankProblem(
                rel,
                "alternates",
                f"a function question needs at least {MIN_ALTERNATES} alternates (other correct "
                f"answers, written the way students write them); it has {len(question.alternates)}",
            )
        )

    for variant in question.checked_variants():
        found = _judged_problems(bank, question, variant, answer_kind)
        if found:
            # the first variant that fails is enough to fix; the others would repeat it
            where = f"variant {variant}: " if variant else ""
            problems += [BankProblem(p.file, p.field, where + p.problem) for p in found]
            break
    return problems


def _judged_problems(
    bank: Bank, question: Question, variant: dict[str, Any], answer_kind: bool
) -> list[BankProblem]:
    """What grading the reference, alternates, starter and mutants in one variant shows."""
    rel = relative_path(question.question_file, bank.root)
    problems: list[BankProblem] = []
    reference = run_in_process(question, question.solution(), None, variant)
    shown = question.rendered(variant)
    solution_rel = relative_path(question.solution_path, bank.root)
    if reference.error:
        problems.append(BankProblem(solution_rel, "", f"the reference raised {reference.error}"))
    checks_rel = relative_path(question.checks_path, bank.root)
    defined = {d.name for d in question.defines}
    check_typos = False
    for check in reference.result.checks:
        if check.status in ("passed", "skipped"):
            continue
        missing = UNDEFINED.search(check.message)
        if missing and missing.group(1) not in defined:
            # The check asks for a name the question never defines: a typo in the check.
            where = checks_rel if not check.name.startswith("public: ") else rel
            problems.append(
                BankProblem(
                    where,
                    check.name,
                    f"calls `{missing.group(1)}`, which the question does not define (it defines "
                    f"{', '.join(sorted(defined))}): fix the name in the check",
                )
            )
            check_typos = True
            continue
        problems.append(
            BankProblem(
                solution_rel,
                check.name,
                f"the reference fails its own check ({check.status}): {check.message}",
            )
        )

    if check_typos:
        return problems  # alternates, starter and mutants cannot be judged by broken checks
    for alternate in question.alternates:
        run = run_in_process(question, alternate.code, None, variant)
        field_name = f"alternates.{alternate.name}"
        if run.error:
            problems.append(
                BankProblem(rel, field_name, f"its cell raised {run.error}: fix the alternate")
            )
        elif run.result.score < run.result.max_score - 1e-6:
            problems.append(
                BankProblem(
                    rel,
                    field_name,
                    f"a correct answer earns {run.result.score:g}/{run.result.max_score:g} "
                    f"instead of full marks, losing {_first_lost(run.result)}: make the checks "
                    "grade behaviour rather than one way of writing it (or, if this answer is "
                    "wrong, make it a mutant)",
                )
            )

    starter = run_in_process(question, question.starter, AS_GRADED, variant)
    if starter.result.hidden_score() > 1e-9:
        passed = [c.name for c in starter.result.checks if c.visibility == "hidden" and c.score > 0]
        problems.append(
            BankProblem(
                rel,
                "starter",
                f"earns {starter.result.hidden_score():g} point(s) on hidden checks (passes "
                f"{', '.join(passed[:3])}{'…' if len(passed) > 3 else ''}); the starter must earn "
                "0 there: make those checks fail on it",
            )
        )

    runs = [("starter", starter.result, starter.values)]
    for mutant in question.mutants:
        run = run_in_process(question, mutant.code, AS_GRADED, variant)
        runs.append((f"mutant:{mutant.name}", run.result, run.values))
        field_name = f"mutants.{mutant.name}"
        if not any(c.visibility == "hidden" and c.status in NOT_PASSED for c in run.result.checks):
            problems.append(
                BankProblem(
                    rel,
                    field_name,
                    "no hidden check catches this mutant: add a check that fails it",
                )
            )
        elif run.fraction > mutant.credit + CREDIT_SLACK:
            problems.append(
                BankProblem(
                    rel,
                    field_name,
                    f"earns {run.result.score:g}/{run.result.max_score:g} points "
                    f"({run.fraction:.0%}), more than its credit {mutant.credit:g} "
                    f"({mutant.credit:.0%}): make the checks fail what this mistake gets wrong "
                    "(a mutant of the misconception the question tests must earn 0), or, if it is "
                    f"honestly partly right, declare credit: {_credit_needed(run.fraction)}",
                )
            )

    problems += [
        BankProblem(rel, field_name, problem)
        for field_name, problem in hint_problems(shown, reference.values)
    ]
    if answer_kind:
        checks_rel = relative_path(question.checks_path, bank.root)
        for leak in leaks_in(shown, reference.values, runs):
            message = " ".join(leak.message.split())
            problems.append(
                BankProblem(
                    checks_rel,
                    leak.check,
                    f"gives the answer away to {leak.variant}: {leak.reason}, in {message!r}; "
                    "say at most which item is wrong (check_answer, check_choice)",
                )
            )
    return problems


def _credit_needed(fraction: float) -> str:
    """The smallest round credit at or above `fraction` (two decimals)."""
    credit = -(-round(fraction * 100, 6) // 1) / 100
    return f"{credit:g}"


def validate_bank(root: Path | None = None) -> tuple[Bank, list[BankProblem]]:
    """Load the bank and verify every question, that each is in an assignment, and that the
    catalogue (when the bank has one) is fresh; every problem found, in one list."""
    bank, problems = load_bank(root)
    loaded = not problems  # a question that did not load cannot be catalogued yet
    for question in bank.questions.values():
        problems += verify_question(bank, question)
    problems += membership_problems(bank)
    catalogue = catalogue_path(bank)
    if loaded:
        for name in bank.assignments:
            if not all(q.written_for_bank for q in bank.assignment_questions(name)):
                continue  # imported from otter-grader: no reference to build a notebook from
            for path in stale_files(bank, name):
                problems.append(
                    BankProblem(
                        relative_path(path, bank.root),
                        "",
                        f"is stale (the bank changed since it was written): run `grader assign {name}`",
                    )
                )
    if loaded and catalogue.exists() and not is_fresh(bank):
        problems.append(
            BankProblem(
                relative_path(catalogue, bank.root),
                "",
                "is stale (the questions changed since it was written): run `grader bank catalogue`",
            )
        )
    return bank, problems


def membership_problems(bank: Bank) -> list[BankProblem]:
    """A question in no assignment reaches no student: say which assignment file to add it to."""
    listed = {qid for a in bank.assignments.values() for qid in a.question_ids}
    problems = []
    for question in bank.questions.values():
        if question.id in listed:
            continue
        by_topic = bank.assignments.get(question.topic)
        where = (
            relative_path(by_topic.path, bank.root)
            if by_topic
            else f"an assignment under {relative_path(bank.root / 'assignments', bank.root)}/"
        )
        problems.append(
            BankProblem(
                relative_path(question.question_file, bank.root),
                "id",
                f"{question.id!r} is in no assignment, so no student gets it: add it to {where}",
            )
        )
    return problems
