"""`grader bank selftest`: prove every question works through the real sandbox.

`grader bank validate` runs the bank's code in the grader's own process, which is quick but not
how a submission is graded. The selftest grades each variant of each question the way a student's
notebook is graded: a one-cell notebook, run by the engine (the fork zygote by default, one warm
engine for the whole run), its hidden checks run by the judge over the RPC. It expects

- the reference (solutions/<id>.py) and every alternate (another correct answer) to get full
  marks, its cell running without error;
- the starter to get 0 points on hidden checks, its cell running without error;
- every mutant to lose points on some hidden check and to earn at most its credit (a fraction of
  the question's points), its cell running without error (a mutant that only fails because its
  cell crashes encodes no real mistake);
- every assignment's solution notebook to get full marks and its templates 0 on hidden checks.

Checks that need a device this machine lacks are skipped (left out of the maximum), as in real
grading; run it on a GPU machine with `--device cuda` to cover them too. The report also counts
the leaks of the value, choice and predict questions' failure messages (`leaks.py`, run in this
process: messages do not depend on how the code was run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bank.model import Bank, Question
from ..bank.variants import render
from ..execute import CELL_PROBLEMS
from ..statuses import NOT_PASSED
from .leaks import Leak, find_leaks

if TYPE_CHECKING:
    from ..grade import Grader

EPS = 1e-6
CREDIT_SLACK = 1e-9


@dataclass
class VariantResult:
    """One graded variant: a question's reference, starter or mutant, or an assignment notebook."""

    id: str  # question id, or assignment name
    topic: str | None  # None for assignment notebooks
    variant: str  # reference | alternate:NAME | starter | mutant:NAME | solution-notebook | template-LANG
    ok: bool
    problem: str = ""  # what went wrong, one line, when not ok
    score: float = 0.0
    max_score: float = 0.0
    hidden_score: float = 0.0
    hidden_max: float = 0.0
    skipped: int = 0  # checks skipped (a device this machine lacks)
    caught_by: list[str] = field(default_factory=list)  # hidden checks a mutant failed
    caught: bool | None = None  # a mutant: ran cleanly and lost points on a hidden check
    credit: float | None = None  # a mutant's declared credit (the most it may earn)
    seconds: float = 0.0
    # the question's variant (docs/variants.md): {} for the default, which the per-topic
    # counts use; every other checked variant is graded the same way, its failures reported
    params: dict[str, Any] = field(default_factory=dict)
    params_index: int = 0


@dataclass
class SelftestReport:
    results: list[VariantResult]
    engine: str
    devices: list[str]
    isolation: dict[str, Any]
    seconds: float = 0.0
    left_out: list[str] = field(default_factory=list)  # "ID: why it was not tested"
    leaks: list[Leak] = field(default_factory=list)

    @property
    def failures(self) -> list[VariantResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failures

    def of(self, variant_prefix: str) -> list[VariantResult]:
        """The results of one kind, in the default variant of each question."""
        return [
            r for r in self.results if r.variant.startswith(variant_prefix) and not r.params_index
        ]

    def topic_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for r in self.results:
            if r.topic is None or r.params_index:
                continue
            row = counts.setdefault(
                r.topic,
                {
                    "questions": 0,
                    "references_full_marks": 0,
                    "alternates": 0,
                    "alternates_full_marks": 0,
                    "starters_zero": 0,
                    "mutants": 0,
                    "mutants_caught": 0,
                    "mutants_within_credit": 0,
                },
            )
            if r.variant == "reference":
                row["questions"] += 1
                row["references_full_marks"] += r.ok
            elif r.variant.startswith("alternate:"):
                row["alternates"] += 1
                row["alternates_full_marks"] += r.ok
            elif r.variant == "starter":
                row["starters_zero"] += r.ok
            elif r.variant.startswith("mutant:"):
                row["mutants"] += 1
                row["mutants_caught"] += is_caught(r)
                row["mutants_within_credit"] += within_credit(r)
        return counts

    def variant_counts(self) -> dict[str, int]:
        """How many questions with variants, variants and submissions of them were graded."""
        varied = {r.id for r in self.results if r.params}
        return {
            "questions": len(varied),
            "variants": len(
                {(r.id, r.params_index) for r in self.results if r.id in varied and r.topic}
            ),
            "submissions": sum(1 for r in self.results if r.id in varied and r.topic),
            "failed": sum(1 for r in self.results if r.id in varied and r.topic and not r.ok),
            "per_student_notebooks": sum(
                1 for r in self.results if r.topic is None and "@" in r.variant
            ),
        }

    def kill_rate(self) -> float | None:
        mutants = self.of("mutant:")
        return sum(is_caught(m) for m in mutants) / len(mutants) if mutants else None

    def as_dict(self) -> dict[str, Any]:
        mutants = self.of("mutant:")
        alternates = self.of("alternate:")
        notebooks = [r for r in self.results if r.topic is None]
        return {
            "ok": self.ok,
            "questions": len(self.of("reference")),
            "references": {
                "full_marks": sum(r.ok for r in self.of("reference")),
                "total": len(self.of("reference")),
            },
            "starters": {
                "zero_on_hidden": sum(r.ok for r in self.of("starter")),
                "total": len(self.of("starter")),
            },
            "alternates": {
                "full_marks": sum(r.ok for r in alternates),
                "total": len(alternates),
            },
            "mutants": {
                "caught": sum(is_caught(m) for m in mutants),
                "within_credit": sum(within_credit(m) for m in mutants),
                "total": len(mutants),
                "mean_credit": _mean([m.credit or 0.0 for m in mutants]),
                "mean_score_fraction": _mean([score_fraction(m) for m in mutants]),
            },
            "kill_rate": self.kill_rate(),
            "variants": self.variant_counts(),
            "topics": self.topic_counts(),
            "assignment_notebooks": {
                "ok": sum(r.ok for r in notebooks),
                "total": len(notebooks),
            },
            "failures": [
                {"id": r.id, "variant": r.variant, "problem": r.problem} for r in self.failures
            ],
            "results": [asdict(r) for r in self.results],
            "leaks": {"count": len(self.leaks), "details": [k.as_dict() for k in self.leaks]},
            "left_out": self.left_out,
            "engine": self.engine,
            "devices": self.devices,
            "isolation": self.isolation,
            "seconds": round(self.seconds, 3),
        }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def score_fraction(r: VariantResult) -> float:
    """What a variant earned, as a fraction of the maximum of the checks that ran."""
    return r.score / r.max_score if r.max_score > 0 else 0.0


def is_caught(r: VariantResult) -> bool:
    """A mutant whose cell ran cleanly and that lost points on some hidden check."""
    return bool(r.caught)


def within_credit(r: VariantResult) -> bool:
    return r.max_score > 0 and score_fraction(r) <= (r.credit or 0.0) + CREDIT_SLACK


# -- judging one graded result ------------------------------------------------------------------


def _sums(result: dict[str, Any]) -> dict[str, Any]:
    """Score sums of a result, hidden checks apart, and the failed hidden checks' names."""
    checks = [c for q in result["questions"] for c in q["checks"]]
    hidden = [c for c in checks if c["visibility"] == "hidden"]
    return {
        "score": float(result["score"]),
        "max_score": float(result["max_score"]),
        "hidden_score": round(sum(c["score"] for c in hidden), 6),
        "hidden_max": round(sum(c["max_score"] for c in hidden), 6),
        "skipped": sum(c["status"] == "skipped" for c in checks),
        "failed_hidden": [
            f"{q['id']}::{c['name']}" if len(result["questions"]) > 1 else c["name"]
            for q in result["questions"]
            for c in q["checks"]
            if c["visibility"] == "hidden" and c["status"] in NOT_PASSED
        ],
        "not_passed": [
            (q["id"], c)
            for q in result["questions"]
            for c in q["checks"]
            if c["status"] in NOT_PASSED
        ],
    }


def _cell_problem(result: dict[str, Any]) -> str:
    """The first cell that did not run cleanly, as one line ('' when all did)."""
    for cell in result["cells"]:
        if cell["status"] in CELL_PROBLEMS:
            error = cell["error"] or {}
            detail = f"{error.get('type', '')}: {error.get('message', '')}".strip(": ")
            return f"cell {cell['index']} {cell['status']}" + (
                f" ({_line(detail)})" if detail else ""
            )
    return ""


def _line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_failure(sums: dict[str, Any]) -> str:
    qid, check = sums["not_passed"][0]
    message = _line(check["message"]) or check["status"]
    more = len(sums["not_passed"]) - 1
    tail = f" (and {more} more)" if more else ""
    return f"{qid}::{check['name']} {check['status']}: {message}{tail}"


def judge_full_marks(result: dict[str, Any]) -> tuple[bool, str]:
    sums = _sums(result)
    cell = _cell_problem(result)
    if sums["max_score"] <= 0:
        return False, "no check ran (maximum 0 points)"
    if sums["score"] < sums["max_score"] - EPS:
        return False, (
            f"{sums['score']:g}/{sums['max_score']:g} instead of full marks; {_first_failure(sums)}"
        )
    if cell:
        return False, f"full marks, but {cell}"
    return True, ""


def judge_zero_hidden(result: dict[str, Any]) -> tuple[bool, str]:
    sums = _sums(result)
    cell = _cell_problem(result)
    if sums["hidden_score"] > EPS:
        passed = [
            c["name"]
            for q in result["questions"]
            for c in q["checks"]
            if c["visibility"] == "hidden" and c["score"] > 0
        ]
        return False, (
            f"{sums['hidden_score']:g} points on hidden checks instead of 0 "
            f"(passes {', '.join(passed[:3])}{'…' if len(passed) > 3 else ''})"
        )
    if cell:
        return False, f"its {cell}; the starter must run as given"
    return True, ""


def judge_mutant(result: dict[str, Any], credit: float = 0.0) -> tuple[bool, str]:
    """Caught by a hidden check, and earning at most `credit` of the points."""
    sums = _sums(result)
    cell = _cell_problem(result)
    if cell:
        return False, f"its {cell}; a mutant must run and give wrong answers"
    if not sums["failed_hidden"] or sums["hidden_score"] >= sums["hidden_max"] - EPS:
        return False, (
            f"not caught: {sums['hidden_score']:g}/{sums['hidden_max']:g} on hidden checks; "
            "add a hidden check that fails it"
        )
    fraction = sums["score"] / sums["max_score"] if sums["max_score"] > 0 else 0.0
    if fraction > credit + CREDIT_SLACK:
        return False, (
            f"earns {sums['score']:g}/{sums['max_score']:g} ({fraction:.0%}), more than its "
            f"credit {credit:g} ({credit:.0%}); make the checks fail what it gets wrong, or "
            "declare the credit it honestly deserves"
        )
    return True, ""


# -- running ------------------------------------------------------------------------------------


def one_cell_submission(label: str, source: str):
    """A submission made of one code cell, seeded by its source so a run can be reproduced."""
    from ..submission import Submission

    return Submission(
        path=Path(f"<selftest {label}>"),
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
        code_cells=[(0, source)],
        cell_count=1,
    )


def question_variants(question: Question) -> list[tuple[str, str, Callable[[dict], Any]]]:
    """(variant, code, judge) for the reference, every alternate, the starter and every
    mutant."""
    variants = [("reference", question.solution(), judge_full_marks)]
    variants += [(f"alternate:{a.name}", a.code, judge_full_marks) for a in question.alternates]
    variants.append(("starter", question.starter, judge_zero_hidden))
    variants += [
        (f"mutant:{m.name}", m.code, partial(judge_mutant, credit=m.credit))
        for m in question.mutants
    ]
    return variants


def assignment_notebooks(bank: Bank, name: str) -> list[tuple[str, Path, Callable[[dict], Any]]]:
    templates = bank.root.parent / "student_templates"
    return [
        ("solution-notebook", bank.solutions_dir / f"{name}.ipynb", judge_full_marks),
        ("template-zh", templates / f"{name}.zh.ipynb", judge_zero_hidden),
        ("template-en", templates / f"{name}.en.ipynb", judge_zero_hidden),
    ]


# A variant assignment is tested on notebooks built for these students with this secret: each
# student's solution must earn full marks as that student, and lose points as another.
SELFTEST_STUDENTS = ("selftest-ada", "selftest-bo", "selftest-chen")
SELFTEST_SECRET = b"bank-selftest-secret-not-a-course-secret"


def _per_student_notebooks(bank: Bank, grader: Grader, name: str, grade: Callable) -> None:
    from ..grade import question_variants as drawn_variants
    from ..notebooks import build_notebook, notebook_text
    from ..submission import parse_submission

    assignment = bank.assignments[name]
    questions = bank.assignment_questions(name)
    saved, grader.secret = grader.secret, SELFTEST_SECRET
    try:
        for position, student in enumerate(SELFTEST_STUDENTS):
            chosen = drawn_variants(bank, name, questions, student, SELFTEST_SECRET)
            other = SELFTEST_STUDENTS[(position + 1) % len(SELFTEST_STUDENTS)]
            built = {
                "solution-notebook": build_notebook(
                    bank, assignment, "both", True, chosen, student
                ),
                "template-zh": build_notebook(bank, assignment, "zh", False, chosen, student),
            }
            for variant, notebook in built.items():
                label = f"{variant}@{student}"
                data = notebook_text(notebook).encode("utf-8")
                submission = parse_submission(data, Path(f"{label}.ipynb"))
                judge = judge_full_marks if variant == "solution-notebook" else judge_zero_hidden
                grade(name, None, label, submission, judge, assignment=name, student=student)
                if variant == "solution-notebook":
                    # the same notebook handed in under another student's id must lose points
                    grade(
                        name,
                        None,
                        f"{label} graded as {other}",
                        submission,
                        judge_not_full_marks,
                        assignment=name,
                        student=other,
                    )
    finally:
        grader.secret = saved


def judge_not_full_marks(result: dict[str, Any]) -> tuple[bool, str]:
    score, maximum = result["score"], result["max_score"]
    if score >= maximum - 1e-9:
        return False, (
            "another student's solution earned full marks: the variants of this assignment do not "
            "change the answers (or the two students drew the same variants)"
        )
    return True, ""


def run_selftest(
    bank: Bank,
    grader: Grader,
    question_ids: Iterable[str],
    assignments: Iterable[str],
) -> SelftestReport:
    """Grade every variant of `question_ids` and the notebooks of `assignments` with `grader`."""
    from ..submission import NotebookProblem, load_submission

    started = time.perf_counter()
    results: list[VariantResult] = []

    def grade(
        ident: str,
        topic: str | None,
        variant: str,
        submission: Any,
        judge: Callable,
        assignment: str,
        question_ids: list[str] | None = None,
        credit: float | None = None,
        params: dict[str, Any] | None = None,
        params_index: int = 0,
        student: str | None = None,
    ) -> None:
        t0 = time.perf_counter()
        try:
            result = grader.grade(
                submission,
                assignment=assignment,
                question_ids=question_ids,
                variants={question_ids[0]: params} if params and question_ids else None,
                student=student,
            )
        except Exception as exc:  # the grader failing on one variant must not stop the rest
            outcome = VariantResult(
                ident,
                topic,
                variant,
                False,
                f"the grader failed: {type(exc).__name__}: {_line(exc)}",
            )
        else:
            ok, problem = judge(result)
            sums = _sums(result)
            outcome = VariantResult(
                ident,
                topic,
                variant,
                ok,
                problem,
                score=sums["score"],
                max_score=sums["max_score"],
                hidden_score=sums["hidden_score"],
                hidden_max=sums["hidden_max"],
                skipped=sums["skipped"],
                caught_by=sums["failed_hidden"] if variant.startswith("mutant:") else [],
            )
            if variant.startswith("mutant:"):
                outcome.caught = judge_mutant(result, credit=1.0)[0]  # whatever it earns
        if credit is not None:
            outcome.credit = credit
        if params:
            outcome.params, outcome.params_index = params, params_index
            if outcome.problem:
                outcome.problem = f"in variant {params}: {outcome.problem}"
        outcome.seconds = round(time.perf_counter() - t0, 4)
        results.append(outcome)

    question_ids = list(question_ids)
    for qid in question_ids:
        question = bank.questions[qid]
        credits = {f"mutant:{m.name}": m.credit for m in question.mutants}
        for index, params in enumerate(question.checked_variants()):
            for variant, code, judge in question_variants(question):
                code = render(code, params) if params else code
                submission = one_cell_submission(f"{qid} {variant} {params}", code)
                grade(
                    qid,
                    question.topic,
                    variant,
                    submission,
                    judge,
                    assignment=f"selftest:{qid}",
                    question_ids=[qid],
                    credit=credits.get(variant),
                    params=params,
                    params_index=index,
                )

    for name in assignments:
        if bank.assignments[name].variants:
            _per_student_notebooks(bank, grader, name, grade)
            continue
        for variant, path, judge in assignment_notebooks(bank, name):
            try:
                submission = load_submission(path)
            except NotebookProblem as exc:
                results.append(
                    VariantResult(name, None, variant, False, f"{exc}; run: grader assign {name}")
                )
                continue
            grade(name, None, variant, submission, judge, assignment=name)

    return SelftestReport(
        results=results,
        engine=grader.engine_name,
        devices=list(grader.devices.devices),
        isolation=grader.isolation().as_dict(),
        seconds=time.perf_counter() - started,
        leaks=find_leaks(bank, question_ids),
    )


# -- the command --------------------------------------------------------------------------------


def select_assignment(bank: Bank, name: str) -> tuple[list[str], list[str], list[str]]:
    """--assignment NAME: its questions and its notebooks (what one course hands out)."""
    from ..commandline import UsageProblem

    problem = bank.missing_assignment(name)
    if problem:
        raise UsageProblem(problem)
    questions = bank.assignment_questions(name)
    left_out = [
        f"{q.id}: imported from otter-grader, no reference or mutants to test"
        for q in questions
        if not q.written_for_bank
    ]
    ids = [q.id for q in questions if q.written_for_bank]
    return ids, [] if left_out else [name], left_out


def select(
    bank: Bank, topics: list[str] | None, ids: list[str] | None
) -> tuple[list[str], list[str], list[str]]:
    """(question ids, assignments, what is left out and why), in the catalogue's order.

    With no filter: everything. With --topic: its questions, and the assignments whose questions
    all belong to the chosen topics. With --question: those questions only. Questions imported
    from otter-grader have no reference or mutants, so they and their assignments are left out.
    Raises UsageProblem for an unknown topic or id.
    """
    from ..commandline import UsageProblem

    for topic in topics or []:
        if topic not in bank.topics:
            raise UsageProblem(f"unknown topic {topic!r}; topics: {', '.join(bank.topics)}")
    for qid in ids or []:
        if qid not in bank.questions:
            raise UsageProblem(
                f"unknown question {qid!r}; `grader bank list` shows the ids of the bank"
            )
    order = {topic: index for index, topic in enumerate(bank.topics)}
    chosen = [
        q
        for q in bank.questions.values()
        if (not topics or q.topic in topics) and (not ids or q.id in ids)
    ]
    left_out = [
        f"{q.id}: imported from otter-grader, no reference or mutants to test"
        for q in chosen
        if not q.written_for_bank
    ]
    chosen = [q for q in chosen if q.written_for_bank]
    chosen.sort(key=lambda q: (order.get(q.topic, len(order)), q.difficulty, q.id))
    names: list[str] = []
    for name in [] if ids else sorted(bank.assignments):
        questions = bank.assignment_questions(name)
        if topics and not all(q.topic in topics for q in questions):
            continue
        if not all(q.written_for_bank for q in questions):
            left_out.append(f"{name}: an assignment with imported questions (no reference)")
            continue
        names.append(name)
    return [q.id for q in chosen], names, left_out


def print_report(report: SelftestReport, console: Any, err_console: Any) -> None:
    from rich.table import Table

    table = Table(title="bank selftest through the sandbox")
    for column in (
        "topic",
        "questions",
        "references at full marks",
        "alternates at full marks",
        "starters at 0",
        "mutants caught",
        "mutants within credit",
    ):
        table.add_column(column, justify="right" if column != "topic" else "left")
    for topic, row in report.topic_counts().items():
        table.add_row(
            topic,
            str(row["questions"]),
            f"{row['references_full_marks']}/{row['questions']}",
            f"{row['alternates_full_marks']}/{row['alternates']}",
            f"{row['starters_zero']}/{row['questions']}",
            f"{row['mutants_caught']}/{row['mutants']}",
            f"{row['mutants_within_credit']}/{row['mutants']}",
        )
    console.print(table)
    notebooks = [r for r in report.results if r.topic is None]
    if notebooks:
        good = sum(r.ok for r in notebooks)
        console.print(
            f"assignment notebooks: {good}/{len(notebooks)} as expected "
            "(solutions at full marks, templates at 0 on hidden checks)"
        )
    rate = report.kill_rate()
    if rate is not None:
        mutants = report.of("mutant:")
        caught = sum(is_caught(m) for m in mutants)
        console.print(f"mutant kill rate: {rate:.1%} ({caught}/{len(mutants)})")
    varied = report.variant_counts()
    if varied["questions"]:
        console.print(
            f"variants: {varied['questions']} question(s) with variants, {varied['variants']} "
            f"variants checked ({varied['submissions']} submissions, {varied['failed']} failed)"
            + (
                f"; {varied['per_student_notebooks']} per-student notebooks of variant "
                "assignments (solutions as their student and as another, templates)"
                if varied["per_student_notebooks"]
                else ""
            ),
            markup=False,
        )
    skipped = sum(r.skipped for r in report.results)
    if skipped:
        console.print(
            f"{skipped} check case(s) skipped: they need a device this run lacks "
            f"(graded on {', '.join(report.devices)})"
        )
    console.print(
        f"{len(report.results)} submissions graded by the {report.engine} engine in "
        f"{report.seconds:.1f} s"
    )
    for line in report.left_out:
        console.print(f"not tested: {line}", markup=False)
    for leak in report.leaks:
        err_console.print(
            f"{leak.question}: leak in {leak.check} ({leak.variant}): {leak.reason}", markup=False
        )
    if report.leaks:
        err_console.print(
            f"{len(report.leaks)} leak(s): failure messages that give the answer away "
            "(`grader bank validate` names each; see docs/bank.md, No leaks)"
        )
    for failure in report.failures:
        err_console.print(f"{failure.id}: {failure.variant}: {failure.problem}", markup=False)
    if report.failures:
        err_console.print(f"{len(report.failures)} failure(s).")


def command(args: argparse.Namespace) -> int:
    """The `grader bank selftest` handler."""
    from ..commandline import (
        EXIT_FAILED,
        EXIT_OK,
        console,
        err_console,
        grader_from_args,
        load_bank_or_exit,
    )

    bank = load_bank_or_exit(args)
    if getattr(args, "assignment", None):
        ids, names, left_out = select_assignment(bank, args.assignment)
    else:
        ids, names, left_out = select(bank, args.topic, args.question)
    with grader_from_args(args, bank, None) as grader:
        report = run_selftest(bank, grader, ids, names)
    report.left_out = left_out
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        for failure in report.failures:
            err_console.print(f"{failure.id}: {failure.variant}: {failure.problem}", markup=False)
    else:
        print_report(report, console, err_console)
    return EXIT_OK if report.ok else EXIT_FAILED
