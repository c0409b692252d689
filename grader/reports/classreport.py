"""The class report: one self-contained HTML page for the instructor.

Built from the counting result of each student for one assignment: score distribution overall and
per question, the misconceptions diagnosed per question (and the share of wrong answers no known
mistake explains), failure rate per check, the most common failure messages, grading time per
submission, and the submissions that could not be graded. Plots are SVG embedded as data: URIs,
so the page opens offline and its images cannot clash with each other's ids.
"""

from __future__ import annotations

import base64
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..bank.model import Bank
from ..statuses import NOT_PASSED
from . import plots
from .render import environment

TOP_FAILURE_PLOT = 40  # bars; the full list is in a table under the plot
TOP_MESSAGES = 20


@dataclass(frozen=True)
class QuestionStats:
    id: str
    title: str
    max_score: float
    scores: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def full(self) -> int:
        return sum(1 for s in self.scores if s >= self.max_score)

    @property
    def zero(self) -> int:
        return sum(1 for s in self.scores if s == 0)


@dataclass(frozen=True)
class VariantStats:
    """One variant of a question with variants: how the students who got it scored (a variant
    much harder than its siblings shows here)."""

    question: str
    label: str  # its parameters, `shape=(2, 3, 4)`
    max_score: float
    scores: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0


@dataclass(frozen=True)
class CheckStats:
    question: str
    name: str
    visibility: str
    ran: int  # submissions where it ran (skipped ones are left out)
    failed: int

    @property
    def rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0

    @property
    def label(self) -> str:
        return f"{self.question}: {self.name}"


@dataclass(frozen=True)
class MessageStats:
    message: str
    students: int  # how many students got it at least once
    occurrences: int
    checks: list[str]  # "question: check" labels where it appeared


@dataclass(frozen=True)
class MistakeCount:
    mutant: str
    mistake: str  # the bank's words for it (English)
    students: int


@dataclass(frozen=True)
class Misconceptions:
    """For one question: the known mistakes diagnosed in the class, and how many wrong answers
    matched none of them (the mistakes `grader bank mine` can turn into new mutants)."""

    question: str
    title: str
    wrong: int  # students who lost points on it
    mistakes: list[MistakeCount]
    undiagnosed: int

    @property
    def undiagnosed_share(self) -> float:
        return self.undiagnosed / self.wrong if self.wrong else 0.0


@dataclass
class ClassReport:
    assignment: str
    assignment_title: str
    students: int
    ungradable: list[tuple[str, str]]
    max_score: float
    totals: list[float]
    questions: list[QuestionStats]
    checks: list[CheckStats]
    messages: list[MessageStats]
    seconds: list[float]
    misconceptions: list[Misconceptions] = field(default_factory=list)
    variants: list[VariantStats] = field(default_factory=list)
    plots: dict[str, str] = field(default_factory=dict)  # name -> SVG text

    @property
    def undiagnosed_share(self) -> float:
        """Of all (student, question) pairs that lost points, the share no mistake matched."""
        wrong = sum(m.wrong for m in self.misconceptions)
        return sum(m.undiagnosed for m in self.misconceptions) / wrong if wrong else 0.0

    @property
    def graded(self) -> int:
        return len(self.totals)

    def stat(self, values: Sequence[float], name: str) -> float | None:
        if not values:
            return None
        if name == "mean":
            return statistics.fmean(values)
        if name == "median":
            return statistics.median(values)
        if name == "p90":
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        return max(values)


def build_class_report(
    entries: Sequence[tuple[str, dict[str, Any]]],
    bank: Bank,
    assignment: str,
    *,
    ungradable: Sequence[tuple[str, str]] = (),
) -> ClassReport:
    """Aggregate (student, result) pairs of one assignment; `ungradable` is (student, error)."""
    results = [(s, r) for s, r in entries if r["assignment"] == assignment]
    known = bank.assignments.get(assignment)
    order: list[str] = list(known.question_ids) if known else []
    scores: dict[str, list[float]] = defaultdict(list)
    maxima: dict[str, float] = {}
    ran: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    visibility: dict[tuple[str, str], str] = {}
    check_order: list[tuple[str, str]] = []
    message_students: dict[str, set[str]] = defaultdict(set)
    message_count: Counter[str] = Counter()
    message_checks: dict[str, list[str]] = defaultdict(list)
    wrong: Counter[str] = Counter()
    diagnosed: dict[str, Counter[str]] = defaultdict(Counter)
    mistake_text: dict[tuple[str, str], str] = {}
    by_variant: dict[tuple[str, str], list[float]] = defaultdict(list)

    for student, result in results:
        for q in result["questions"]:
            if q["id"] not in order:
                order.append(q["id"])  # a question the bank no longer lists still counts
            if q["score"] < q["max_score"]:
                wrong[q["id"]] += 1
                diagnosis = q.get("diagnosis")
                if diagnosis:
                    diagnosed[q["id"]][diagnosis["mutant"]] += 1
                    mistake_text[(q["id"], diagnosis["mutant"])] = diagnosis["mistake"]["en"]
            scores[q["id"]].append(q["score"])
            if q.get("variant"):
                by_variant[(q["id"], variant_label(q["variant"]))].append(q["score"])
            maxima[q["id"]] = max(maxima.get(q["id"], 0.0), q["max_score"])
            for c in q["checks"]:
                key = (q["id"], c["name"])
                if key not in visibility:
                    check_order.append(key)
                    visibility[key] = c["visibility"]
                if c["status"] == "skipped":
                    continue
                ran[key] += 1
                if c["status"] in NOT_PASSED:
                    failed[key] += 1
                    message = c.get("message", "").strip()
                    if message:
                        message_students[message].add(student)
                        message_count[message] += 1
                        label = f"{q['id']}: {c['name']}"
                        if label not in message_checks[message]:
                            message_checks[message].append(label)

    questions = [
        QuestionStats(
            id=qid,
            title=bank.questions[qid].title["en"] if qid in bank.questions else qid,
            max_score=maxima.get(qid, bank.questions[qid].points if qid in bank.questions else 0),
            scores=scores.get(qid, []),
        )
        for qid in order
    ]
    checks = [
        CheckStats(qid, name, visibility[(qid, name)], ran[(qid, name)], failed[(qid, name)])
        for qid, name in check_order
    ]
    ranked = sorted(message_count, key=lambda m: (-len(message_students[m]), -message_count[m], m))
    messages = [
        MessageStats(m, len(message_students[m]), message_count[m], message_checks[m])
        for m in ranked[:TOP_MESSAGES]
    ]
    report = ClassReport(
        assignment=assignment,
        assignment_title=known.title["en"] if known else assignment,
        students=len({s for s, _ in results} | {s for s, _ in ungradable}),
        ungradable=list(ungradable),
        max_score=max((r["max_score"] for _, r in results), default=0.0),
        totals=[r["score"] for _, r in results],
        questions=questions,
        checks=checks,
        messages=messages,
        seconds=[r["timings"]["total_s"] for _, r in results],
        misconceptions=[
            Misconceptions(
                question=q.id,
                title=q.title,
                wrong=wrong[q.id],
                mistakes=[
                    MistakeCount(mutant, mistake_text[(q.id, mutant)], count)
                    for mutant, count in sorted(
                        diagnosed[q.id].items(), key=lambda item: (-item[1], item[0])
                    )
                ],
                undiagnosed=wrong[q.id] - sum(diagnosed[q.id].values()),
            )
            for q in questions
            if wrong[q.id]
        ],
    )
    report.variants = [
        VariantStats(qid, label, maxima.get(qid, 0.0), by_variant[(qid, label)])
        for qid in order
        for label in sorted(label for question, label in by_variant if question == qid)
    ]
    report.plots = _plots(report)
    return report


def variant_label(variant: dict[str, Any]) -> str:
    from ..bank.variants import format_value

    return ", ".join(f"{name}={format_value(value)}" for name, value in variant.items())


def _plots(report: ClassReport) -> dict[str, str]:
    worst = sorted((c for c in report.checks if c.failed), key=lambda c: (-c.rate, c.label))
    worst = worst[:TOP_FAILURE_PLOT]
    return {
        "totals": plots.score_histogram(report.totals, report.max_score, "total score"),
        "questions": plots.question_histograms(
            [(q.id, q.scores, q.max_score) for q in report.questions]
        ),
        "failures": plots.failure_rates([c.label for c in worst], [c.rate for c in worst]),
        "times": plots.time_histogram(report.seconds),
    }


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_class_html(report: ClassReport) -> str:
    return (
        environment()
        .get_template("class.html.j2")
        .render(
            r=report,
            images={name: svg_data_uri(svg) for name, svg in report.plots.items()},
            failing=sorted((c for c in report.checks if c.failed), key=lambda c: -c.rate),
            top_failures=TOP_FAILURE_PLOT,
        )
    )


def class_report_html(
    entries: Sequence[tuple[str, dict[str, Any]]],
    bank: Bank,
    assignment: str,
    *,
    ungradable: Sequence[tuple[str, str]] = (),
) -> str:
    """The pure entry point: (student, result) pairs + bank -> the page's HTML."""
    return render_class_html(build_class_report(entries, bank, assignment, ungradable=ungradable))
