"""One row per student (the submission that counts), a column per question, a total."""

from __future__ import annotations

import csv
from pathlib import Path

from ..gradebook.store import StoredResult


def question_columns(results: list[StoredResult]) -> list[str]:
    """Question ids in the order the results list them (the assignment's order)."""
    columns: list[str] = []
    for stored in results:
        for question in (stored.result or {}).get("questions", []):
            if question["id"] not in columns:
                columns.append(question["id"])
    return columns


def write_csv(results: list[StoredResult], out: Path) -> int:
    """Write the CSV; returns the number of student rows: student, a score per question, total,
    max_score, status. A submission that could not be graded has status "error" and empty
    scores, as the class report leaves it out of the means (its reason is in the JSON export);
    max_score is the maximum of the run that graded it (CUDA checks skipped on a CPU runner are
    left out)."""
    columns = question_columns(results)
    maxima = [r.result["max_score"] for r in results if r.result]
    common_max = max(maxima) if maxima else None
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "max_score", "status"])
        for stored in sorted(results, key=lambda r: r.student):
            if stored.result is None:
                maximum = _num(common_max) if common_max is not None else ""
                writer.writerow([stored.student, *("" for _ in columns), "", maximum, "error"])
                continue
            scores = {q["id"]: q["score"] for q in stored.result.get("questions", [])}
            writer.writerow(
                [
                    stored.student,
                    *(_num(scores.get(c, 0)) for c in columns),
                    _num(stored.score),
                    _num(stored.result["max_score"]),
                    "graded",
                ]
            )
    return len(results)


def _num(value: float) -> str:
    return f"{float(value):g}"
