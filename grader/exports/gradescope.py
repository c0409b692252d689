"""Gradescope's autograder `results.json`, one per submission.

Mapping (Gradescope knows only "passed"/"failed"): passed -> passed; failed, error, timeout ->
failed (the output starts with the original status); skipped checks (e.g. CUDA on a CPU-only
runner) carry no points and are listed in the top-level output instead of as tests, because
Gradescope would show them as failures. Hidden checks become `after_published` by default: the
student sees that they passed or failed once grades are published, and the messages are
already written not to reveal expected values. A question diagnosed with a known mistake gets
its mistake (and hint, unless the result hides hints) in the top-level output.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from ..bank.loader import schema
from ..gradebook.store import StoredResult
from ..resultview import check_message, diagnosis_text, result_hints, words

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
# Scores are rounded as otter-grader writes this same file (round(score, 5)), so that a course
# moving between the two sees the same numbers.
DECIMALS = 5


def gradescope_results(
    stored: StoredResult, *, hidden_visibility: str = "after_published", lang: str = "en"
) -> dict[str, Any]:
    return gradescope_results_of(
        stored.result, stored.error, hidden_visibility=hidden_visibility, lang=lang
    )


def gradescope_results_of(
    result: dict[str, Any] | None,
    error: str | None,
    *,
    hidden_visibility: str = "after_published",
    lang: str = "en",
) -> dict[str, Any]:
    """Gradescope's results.json for one result (or the reason there is none)."""
    if result is None:
        return {
            "score": 0.0,
            "execution_time": 0.0,
            "output": f"This submission could not be graded: {error}",
            "visibility": "visible",
            "tests": [],
        }
    tests, skipped, diagnoses = [], [], []
    said = words(lang)
    for question in result["questions"]:
        diagnosis = diagnosis_text(question, lang, result_hints(result))
        if diagnosis is not None:
            line = f"{question['id']}: {said['diagnosis']}{said['colon']}{diagnosis.mistake}"
            if diagnosis.hint:
                line += f"\n    {said['hint']}{said['colon']}{diagnosis.hint}"
            diagnoses.append(line)
        for check in question["checks"]:
            name = f"{question['id']}: {check['name']}"
            if check["status"] == "skipped":
                skipped.append(f"{name} ({check['message'].strip() or 'skipped'})")
                continue
            message = check_message(check, lang).strip()
            if check["status"] in ("error", "timeout"):
                message = f"[{check['status']}] {message}".strip()
            tests.append(
                {
                    "name": name,
                    "score": round(float(check["score"]), DECIMALS),
                    "max_score": round(float(check["max_score"]), DECIMALS),
                    "status": "passed" if check["status"] == "passed" else "failed",
                    "visibility": "visible"
                    if check["visibility"] == "visible"
                    else hidden_visibility,
                    "output": message,
                }
            )
    lines = [f"Total: {result['score']:g} / {result['max_score']:g}"]
    lines += diagnoses
    if skipped:
        lines.append("Skipped (no points either way): " + "; ".join(skipped))
    return {
        "score": round(float(result["score"]), DECIMALS),
        "execution_time": float(result["timings"]["total_s"]),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": tests,
    }


def validate(results_json: dict[str, Any]) -> None:
    jsonschema.validate(results_json, schema("gradescope"))
