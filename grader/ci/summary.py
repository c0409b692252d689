"""What a CI job shows: the Markdown job summary, the `Points x/y` line, and the result that
GitHub Classroom's autograding reporter reads.

GitHub Classroom reads a grade as the text `Points <score>/<max>`: its reporter action
(classroom-resources/autograding-grading-reporter) sums the `score` of every test and the
`max_score` of every runner, and writes that text into the "Autograding Tests" check run.
A runner hands it a base64 JSON `{version, status, max_score, tests: [{name, status, score,
message}]}` in a step output named `result`; `grader ci` writes that output itself.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from ..execute import CELL_PROBLEMS
from ..resultview import check_label, diagnosis_text, failure_groups, result_hints, words
from .junit import NotebookOutcome


def format_points(value: float) -> str:
    """12.5 -> "12.5", 3.0 -> "3", never an exponent (Classroom parses plain decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def totals(outcomes: list[NotebookOutcome]) -> tuple[float, float]:
    """Score and maximum over every graded notebook (points add up like Classroom's runners)."""
    score = sum(o.result["score"] for o in outcomes if o.result is not None)
    maximum = sum(o.result["max_score"] for o in outcomes if o.result is not None)
    return round(score, 6), round(maximum, 6)


def points_line(outcomes: list[NotebookOutcome]) -> str:
    score, maximum = totals(outcomes)
    return f"Points {format_points(score)}/{format_points(maximum)}"


def _md(text: str, limit: int = 160) -> str:
    """One table cell of student-derived text: one line, HTML escaped, pipes escaped."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return html.escape(line, quote=False).replace("|", "\\|").replace("`", "'")


def _check_counts(result: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for question in result["questions"]:
        for check in question["checks"]:
            counts[check["status"]] = counts.get(check["status"], 0) + 1
    return counts


def markdown_summary(outcomes: list[NotebookOutcome], min_fraction: float | None) -> str:
    """A Markdown block for $GITHUB_STEP_SUMMARY: a table per notebook, then the total."""
    score, maximum = totals(outcomes)
    lines = ["## Autograder", ""]
    for outcome in outcomes:
        result = outcome.result
        lines.append(f"### {_md(outcome.path)}")
        lines.append("")
        if result is None:
            lines += [f"Not graded: {_md(outcome.problem or '', 400)}", ""]
            continue
        which = "public checks only" if result.get("checks") == "public" else "all checks"
        counts = _check_counts(result)
        lines.append(
            f"**{format_points(result['score'])} / {format_points(result['max_score'])}** points "
            f"({which}; {counts.get('passed', 0)} passed, "
            f"{sum(counts.get(s, 0) for s in ('failed', 'error', 'timeout'))} not passed, "
            f"{counts.get('skipped', 0)} skipped)"
        )
        lines += ["", "| question | points | not passed |", "|---|---:|---|"]
        lang = result.get("lang") or "en"
        said = words(lang)
        for question in result["questions"]:
            problems = []
            diagnosis = diagnosis_text(question, lang, result_hints(result))
            if diagnosis is not None:
                problems.append(
                    f"**{_md(said['diagnosis'])}{said['colon']}**{_md(diagnosis.mistake)}"
                )
            for group in failure_groups(question["checks"], lang):
                covers = (
                    f" ({_md(said['covers'].format(n=len(group.checks)))})"
                    if len(group.checks) > 1
                    else ""
                )
                problems.append(
                    f"{_md(check_label(group.checks[0], lang), 60)} ({group.status}): "
                    f"{_md(group.message)}{covers}"
                )
            shown = "<br>".join(problems[:3]) + (
                f"<br>… and {len(problems) - 3} more" if len(problems) > 3 else ""
            )
            lines.append(
                f"| {_md(question['id'])} | {format_points(question['score'])} / "
                f"{format_points(question['max_score'])} | {shown or '✓'} |"
            )
        bad_cells = [c for c in result["cells"] if c["status"] in CELL_PROBLEMS]
        if bad_cells:
            lines += ["", "Cells that did not finish:", ""]
            for cell in bad_cells:
                error = cell["error"] or {}
                lines.append(
                    f"- cell {cell['index']}: {cell['status']} "
                    f"{_md(str(error.get('type', '')))}: {_md(str(error.get('message', '')))}"
                )
        reasons: dict[str, int] = {}
        for question in result["questions"]:
            for check in question["checks"]:
                if check["status"] == "skipped":
                    reasons[check["message"]] = reasons.get(check["message"], 0) + 1
        for reason, count in sorted(reasons.items()):
            lines += ["", f"_{count} check(s) {_md(reason)}; they are left out of the maximum._"]
        lines.append("")
    lines.append(f"**Total: {points_line(outcomes)}**")
    if min_fraction is not None and maximum > 0:
        verdict = "met" if score / maximum >= min_fraction else "NOT met"
        lines.append(f"(minimum {min_fraction * 100:g}%: {verdict})")
    lines.append("")
    return "\n".join(lines) + "\n"


def classroom_result(outcomes: list[NotebookOutcome]) -> str:
    """The base64 JSON a GitHub Classroom reporter reads from `<RUNNER>_RESULTS`.

    Skipped checks (CUDA on a CPU runner) are left out: they carry no points, and the reporter
    would show anything that is not "pass" as a failure.
    """
    tests = []
    for outcome in outcomes:
        if outcome.result is None:
            tests.append(
                {"name": outcome.path, "status": "error", "score": 0, "message": outcome.problem}
            )
            continue
        for question in outcome.result["questions"]:
            for check in question["checks"]:
                if check["status"] == "skipped":
                    continue
                tests.append(
                    {
                        "name": f"{question['id']}::{check['name']}",
                        "status": "pass" if check["status"] == "passed" else "fail",
                        "score": check["score"],
                        "message": check["message"],
                    }
                )
    score, maximum = totals(outcomes)
    if any(o.result is None for o in outcomes):
        status = "error"
    else:
        status = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    payload = {"version": 1, "status": status, "max_score": maximum, "tests": tests}
    return base64.b64encode(json.dumps(payload, ensure_ascii=False).encode("utf-8")).decode()
