"""Grade questions against a student: collect each question's checks, run them, add up points."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..bank.model import Question
from .diagnosis import DIAGNOSIS_SEED, Diagnosis, diagnose
from .observe import Observation, fingerprint
from .runner import (
    Check,
    CheckResult,
    RunOptions,
    collect_hidden_checks,
    make_public_check,
    run_check,
)
from .student import Student


@dataclass
class QuestionResult:
    id: str
    checks: list[CheckResult] = field(default_factory=list)
    # For a question that lost points: the known mistake its calls matched (or None), and the
    # fingerprint of its behaviour (for mining the mistakes no mutant names yet).
    diagnosis: Diagnosis | None = None
    behaviour: str | None = None

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    def hidden_score(self) -> float:
        return round(sum(c.score for c in self.checks if c.visibility == "hidden"), 6)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [c.as_dict() for c in self.checks],
        }
        out["diagnosis"] = self.diagnosis.as_dict() if self.diagnosis else None
        if self.behaviour:
            out["behaviour"] = self.behaviour
        return out

    @property
    def lost_points(self) -> bool:
        return self.score < self.max_score


# Collected checks per question, reused across submissions (a batch grades hundreds with the
# same bank). Keyed by the check file's mtime so an edited bank is picked up; check modules must
# therefore keep no state between runs, which docs/bank.md asks of them.
_CHECK_CACHE: dict[tuple[str, str, int, int, bool], list[Check]] = {}


def question_checks(question: Question, public_only: bool = False) -> list[Check]:
    """Public checks first (what the student already saw), then the hidden ones (unless
    `public_only`: then the hidden-check file is not even loaded, and need not exist)."""
    try:
        mtime = question.checks_path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    public = tuple((c.name, c.points, c.doctest) for c in question.public_checks)
    key = (question.id, str(question.checks_path), mtime, hash(public), public_only)
    if key not in _CHECK_CACHE:
        _CHECK_CACHE[key] = _collect_checks(question, public_only)
    return _CHECK_CACHE[key]


def _collect_checks(question: Question, public_only: bool) -> list[Check]:
    defines = [(d.name, d.kind) for d in question.defines]
    public = [
        make_public_check(question.id, c.name, c.points, c.doctest, defines)
        for c in question.public_checks
    ]
    if public_only:
        return public
    return public + collect_hidden_checks(question.id, question.checks_path)


def declared_points(question: Question) -> float:
    """What the bank says a question is worth: every check case on every device."""
    return round(sum(c.points for c in question_checks(question)), 6)


def grade_questions(
    questions: list[Question],
    student: Student,
    base_seed: int | str,
    options: RunOptions | None = None,
) -> list[QuestionResult]:
    options = options or RunOptions()
    shared = options
    results = []
    for question in questions:
        options = dataclasses.replace(shared, variant=shared.variants.get(question.id, {}))
        result = QuestionResult(question.id)
        lost: list[CheckResult] = []
        checks = question_checks(question, options.public_only)
        trace: list[Observation] | None = [] if options.diagnose else None
        student.scope = options.scopes.get(question.id)
        if options.prelude:
            _run_prelude(student, options.prelude)
        student.record_into(trace)
        for check in checks:
            if len(lost) >= MAX_LOST_SESSIONS_PER_QUESTION:
                # Each lost session costs a call timeout and a replay of the notebook: after
                # two, the question's other checks are not run, so one endless loop costs its
                # own question only and the grade stays bounded in time.
                result.checks.append(not_run(check, lost))
                continue
            outcome = run_check(check, student, base_seed, options)
            if outcome.lost_session:
                lost.append(outcome)
            result.checks.append(outcome)
        overflowed = student.trace_overflowed
        student.record_into(None)
        student.scope = None
        if trace is not None and result.lost_points and not lost and not overflowed:
            # A question whose code hung or crashed is not diagnosed (its calls are unknown).
            _diagnose(result, question, checks, student, trace, base_seed, options)
        results.append(result)
    return results


MAX_LOST_SESSIONS_PER_QUESTION = 2


def _run_prelude(student: Student, source: str) -> None:
    """otter seeds the generators right before it runs a question's tests; so do we. A
    prelude that fails (a lost session, say) is left to the checks, which meet the same."""
    try:
        student.run_source(source)
    except Exception:
        pass


def _diagnose(
    result: QuestionResult,
    question: Question,
    checks: list[Check],
    student: Student,
    trace: list[Observation],
    base_seed: int | str,
    options: RunOptions,
) -> None:
    """Match the calls the hidden checks made (the public ones where only they ran) against
    the mutants'. An answer no mutant explains is fingerprinted instead: the calls of the checks
    that send the same inputs to every submission as they were, those of the seeded checks
    replayed with the diagnosis seed (one seed for every student, so that `grader bank mine`
    can compare fingerprints)."""
    compared = [c for c in checks if c.visibility == "hidden"] or checks
    names = {c.name for c in compared}
    calls = [o for o in trace if o.check in names]
    result.diagnosis = diagnose(question, compared, calls, base_seed, options)
    if result.diagnosis is not None:
        return
    seeded = {c.name for c in checks if c.seeded}
    replayed = [o for o in trace if o.check not in seeded]
    student.record_into(replayed)
    try:
        for check in checks:
            if check.seeded and run_check(check, student, DIAGNOSIS_SEED, options).lost_session:
                return  # hung or crashed on the replay: no fingerprint
        if not student.trace_overflowed:
            result.behaviour = fingerprint(replayed)
    finally:
        student.record_into(None)


def not_run(check: Check, lost: list[CheckResult]) -> CheckResult:
    """A check skipped after the question's code hung (status timeout) or crashed (error)."""
    hung = lost[-1].status == "timeout"
    return CheckResult(
        name=check.name,
        score=0.0,
        max_score=check.points,
        status=lost[-1].status,
        visibility=check.visibility,
        message=(
            f"not run: the student's code {'did not finish' if hung else 'crashed'} in "
            f"{len(lost)} earlier checks of this question"
        ),
        device=check.device,
    )
