"""A feedback page for one student: per question what passed, what failed and why, and a hint.

What may appear on the page, and why it is safe to show:
- check names, statuses, points and messages from the result: the judge writes messages that say
  *what* differs (shape, dtype, "raised ValueError") and never a hidden expected value;
- the question's title, prompt and `hint` from the bank: the student already has them in the
  template;
- cell errors and grader notes from the result.
- the diagnosis of a question that lost points: the mistake of the bank's mutant whose behaviour
  the answer matched, and its hint (both written for students; `grader bank validate` refuses a
  hint that holds the reference's code or a hidden expected value); the hint is left out when
  the result (or `hints`) says "hide";
- check titles (the first docstring line, or its `zh:` line): written for students too.
What never appears: mutants' code, `catches`, check code, reference solutions.

Everything that came from a student's process (messages, cell errors, the student id) is
escaped: by Jinja's autoescape in HTML, and by backslash escapes or code fences in Markdown.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from ..bank.model import Bank
from ..execute import CELL_PROBLEMS
from ..resultview import (
    DiagnosisText,
    check_label,
    check_message,
    diagnosis_text,
    failure_groups,
    result_hints,
    skipped_notes,
    words,
)
from ..statuses import NOT_PASSED
from .render import environment, markdown_inline_to_html, markdown_to_html
from .strings import feedback_strings

_HINT = re.compile(r"(?:Hint|提示)\s*[:：]\s*(.+?)(?:\n\s*\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class CheckLine:
    name: str  # for display: "rows of y below x [3-2-4]", or its Chinese title
    visibility: str  # visible | hidden
    status: str  # passed | failed | error | timeout | skipped
    score: float
    max_score: float
    message: str  # in the page's language where the result has it


@dataclass(frozen=True)
class FailureGroup:
    """Failed checks of one question with one cause (same status, same message up to its
    numbers), shown once: a missing keepdims fails four cases in four shapes with one sentence."""

    checks: list[CheckLine]
    status: str
    message: str


@dataclass(frozen=True)
class QuestionFeedback:
    id: str
    title: str
    score: float
    max_score: float
    passed: list[CheckLine]
    failed: list[CheckLine]
    skipped: list[CheckLine]
    failure_groups: list[FailureGroup]
    hint: str | None  # Markdown from the bank (trusted)
    status_hints: list[str]  # fixed UI text, one per kind of failure seen
    prompt: str  # Markdown from the bank (trusted)
    diagnosis: DiagnosisText | None = None  # the known mistake the answer behaves like
    skipped_notes: list[str] = field(default_factory=list)  # why checks were not counted


@dataclass(frozen=True)
class CellProblem:
    number: int  # counted from 1, Markdown cells included (what a student can count)
    status: str
    error_type: str
    message: str


@dataclass(frozen=True)
class Feedback:
    student: str
    assignment: str
    assignment_title: str
    lang: str
    score: float | None
    max_score: float | None
    questions: list[QuestionFeedback] = field(default_factory=list)
    cells: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    public_only: bool = False
    graded_at: str = ""
    error: str | None = None  # the submission could not be graded: why
    # Said once per page, not under every question (the hidden checks' other inputs).
    general_hints: list[str] = field(default_factory=list)


def question_hint(question, lang: str) -> str | None:
    """The bank's `hint`, else the 'Hint: …' sentence of the prompt, else None."""
    if question.hint and question.hint.get(lang):
        return question.hint[lang].strip()
    match = _HINT.search(question.prompt.get(lang, ""))
    return match.group(1).strip() if match else None


def _status_hints(failed: list[CheckLine], text: dict[str, str], kind: str) -> list[str]:
    # "Other inputs than the examples" only helps when a hidden check got a wrong result from a
    # function (a value or choice answer has no other inputs).
    statuses = {c.status for c in failed if c.status != "failed" or c.visibility == "hidden"}
    if kind != "function":
        statuses.discard("failed")
    return [text[f"hint_{s}"] for s in ("error", "timeout", "failed") if s in statuses]


def _line(check: dict[str, Any], lang: str) -> CheckLine:
    return CheckLine(
        name=check_label(check, lang),
        visibility=check["visibility"],
        status=check["status"],
        score=check["score"],
        max_score=check["max_score"],
        message=check_message(check, lang),
    )


def _question(raw: dict[str, Any], bank: Bank, lang: str, hints: str) -> QuestionFeedback:
    text = feedback_strings(lang)
    lines = [_line(c, lang) for c in raw["checks"]]
    failed = [c for c in lines if c.status in NOT_PASSED]
    groups = [
        FailureGroup([_line(c, lang) for c in group.checks], group.status, group.message)
        for group in failure_groups(raw["checks"], lang)
    ]
    question = bank.questions.get(raw["id"])
    if question is not None and raw.get("variant") and question.variants:
        question = question.rendered(raw["variant"])  # the prompt this student was given
    # A question the bank no longer has still gets its scores; only title, prompt and hint go.
    return QuestionFeedback(
        id=raw["id"],
        title=question.title.get(lang, raw["id"]) if question else raw["id"],
        score=raw["score"],
        max_score=raw["max_score"],
        passed=[c for c in lines if c.status == "passed"],
        failed=failed,
        skipped=[c for c in lines if c.status == "skipped"],
        failure_groups=groups,
        hint=question_hint(question, lang) if question and failed else None,
        status_hints=_status_hints(failed, text, question.kind if question else "function"),
        prompt=question.prompt.get(lang, "") if question else "",
        diagnosis=diagnosis_text(raw, lang, hints),
        skipped_notes=skipped_notes(raw["checks"], lang),
    )


def _assignment_title(bank: Bank, assignment: str, lang: str) -> str:
    known = bank.assignments.get(assignment)
    return known.title.get(lang, assignment) if known else assignment


def build_feedback(
    student: str,
    result: dict[str, Any] | None,
    bank: Bank,
    lang: str,
    *,
    assignment: str | None = None,
    error: str | None = None,
    hints: str | None = None,
) -> Feedback:
    """The page's content. `result` None means not gradable: then `assignment` and `error` say
    why. `hints` ("show"/"hide") overrides the result's own say on diagnosis hints."""
    feedback_strings(lang)  # an unknown language fails here, before any page is written
    if result is None:
        name = assignment or ""
        return Feedback(
            student=student,
            assignment=name,
            assignment_title=_assignment_title(bank, name, lang),
            lang=lang,
            score=None,
            max_score=None,
            error=error or "unknown error",
        )
    cells = [
        CellProblem(
            number=c["index"] + 1,
            status=c["status"],
            error_type=(c.get("error") or {}).get("type", ""),
            message=(c.get("error") or {}).get("message", ""),
        )
        for c in result["cells"]
        if c["status"] in CELL_PROBLEMS
    ]
    questions = [
        _question(q, bank, lang, hints or result_hints(result)) for q in result["questions"]
    ]
    other_inputs = feedback_strings(lang)["hint_failed"]
    general = [other_inputs] if any(other_inputs in q.status_hints for q in questions) else []
    questions = [
        dataclasses.replace(q, status_hints=[h for h in q.status_hints if h != other_inputs])
        for q in questions
    ]
    return Feedback(
        student=student,
        assignment=result["assignment"],
        assignment_title=_assignment_title(bank, result["assignment"], lang),
        lang=lang,
        score=result["score"],
        max_score=result["max_score"],
        general_hints=general,
        questions=questions,
        cells=cells,
        notes=list(result.get("notes", [])),
        public_only=result.get("checks") == "public",
        graded_at=result.get("created_at", ""),
    )


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def render_html(feedback: Feedback) -> str:
    template = environment().get_template("feedback.html.j2")
    return template.render(
        fb=feedback,
        t=feedback_strings(feedback.lang),
        d=words(feedback.lang),
        markdown=markdown_to_html,
        inline=markdown_inline_to_html,
    )


# ---------------------------------------------------------------------------------------------
# Markdown (for LMS comment boxes)
# ---------------------------------------------------------------------------------------------

# Enough to stop emphasis, code, links, images, raw HTML, entities, tables, headings and math.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|&~$])")


def md_escape(value: str) -> str:
    """Inline text that renders literally: every Markdown/HTML special is backslash-escaped and
    line breaks become spaces (a student's newline must not start a heading or a list)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def md_code_block(value: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside: nothing in it renders."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{value.rstrip()}\n{fence}"


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def render_markdown(feedback: Feedback) -> str:
    t = feedback_strings(feedback.lang)
    out = [
        f"## {t['title']}{t['colon']}{md_escape(feedback.assignment_title)}",
        "",
        f"**{t['student']}{t['colon'].strip()}** {md_escape(feedback.student)}  ",
    ]
    if feedback.error is not None:
        out += [
            "",
            f"**{t['not_graded']}** {t['not_graded_what']}",
            "",
            md_code_block(feedback.error),
        ]
        return "\n".join(out) + "\n"
    total = t["summary_line"].format(score=_fmt(feedback.score), max_score=_fmt(feedback.max_score))
    out.append(f"**{t['total']}{t['colon'].strip()}** {total}")
    if feedback.public_only:
        out += ["", f"> {t['public_only']}"]
    out += ["", f"| {t['question']} | {t['score']} |", "|---|---|"]
    for q in feedback.questions:
        out.append(f"| {md_escape(q.title)} | {_fmt(q.score)} / {_fmt(q.max_score)} |")
    for hint in feedback.general_hints:
        out += ["", f"> {hint}"]
    for q in feedback.questions:
        out += ["", f"### {md_escape(q.title)} — {_fmt(q.score)} / {_fmt(q.max_score)}", ""]
        if not q.failed:
            out.append(t["all_passed"] if q.passed else t["none_passed"])
        if q.diagnosis is not None:
            d = words(feedback.lang)
            out += [f"> **{d['diagnosis']}{d['colon'].strip()}** {md_escape(q.diagnosis.mistake)}"]
            if q.diagnosis.hint:
                out += [">", f"> **{d['hint']}{d['colon'].strip()}** {md_escape(q.diagnosis.hint)}"]
            elif q.diagnosis.hint_hidden:
                out += [">", f"> {d['hint_hidden']}"]
            out.append("")
        for group in q.failure_groups:
            names = "; ".join(
                f"{md_escape(c.name)} ({t['hidden' if c.visibility == 'hidden' else 'public']})"
                for c in group.checks
            )
            out.append(f"- ✗ {names}: {t['status_' + group.status]}")
            if len(group.checks) > 1:
                out.append(f"  ({words(feedback.lang)['covers'].format(n=len(group.checks))})")
            if group.message.strip():
                out += ["", _indent(md_code_block(group.message), "  "), ""]
        if q.passed and q.failed:
            names = ", ".join(md_escape(c.name) for c in q.passed)
            out += ["", f"- ✓ {t['passed']}{t['colon']}{names}"]
        if q.skipped:
            names = ", ".join(md_escape(c.name) for c in q.skipped)
            out += ["", f"- {t['skipped']}{t['colon']}{names}"]
            out += [f"  ({md_escape(note)})" for note in q.skipped_notes]
        if q.failed:
            hints = ([q.hint] if q.hint else []) + q.status_hints
            for hint in hints:
                # Bank hints are trusted Markdown (from question.yaml); status hints are ours.
                out += ["", f"> **{t['hint']}{t['colon'].strip()}** {' '.join(hint.split())}"]
    if feedback.cells:
        out += ["", f"### {t['cells']}", "", t["cells_intro"], ""]
        for cell in feedback.cells:
            head = f"- {t['cell']} {cell.number}: {cell.status}"
            if cell.error_type:
                head += f", {md_escape(cell.error_type)}"
            out.append(head)
            if cell.message.strip():
                out += ["", _indent(md_code_block(cell.message), "  "), ""]
    if feedback.notes:
        out += ["", f"### {t['notes']}", ""]
        out += [f"- {md_escape(note)}" for note in feedback.notes]
    return "\n".join(out).rstrip() + "\n"


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in block.splitlines())


# ---------------------------------------------------------------------------------------------
# The pure entry points: (student, result) + bank + lang -> text
# ---------------------------------------------------------------------------------------------


def feedback_html(student: str, result: dict[str, Any], bank: Bank, lang: str) -> str:
    return render_html(build_feedback(student, result, bank, lang))


def feedback_markdown(student: str, result: dict[str, Any], bank: Bank, lang: str) -> str:
    return render_markdown(build_feedback(student, result, bank, lang))
