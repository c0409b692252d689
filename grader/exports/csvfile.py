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
    """Write the CSV; returns the number of student rows. A submission that could not be graded
    scores 0 on every question (its reason is in the gradebook and the JSON export)."""
    columns = question_columns(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total"])
        for stored in sorted(results, key=lambda r: r.student):
            scores = {q["id"]: q["score"] for q in (stored.result or {}).get("questions", [])}
            writer.writerow(
                [stored.student, *(_num(scores.get(c, 0)) for c in columns), _num(stored.score)]
            )
    return len(results)


def _num(value: float) -> str:
    return f"{float(value):g}"
