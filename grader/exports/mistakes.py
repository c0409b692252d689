"""One row per (student, question) that lost points, with the known mistake it was diagnosed
with: for teachers who analyse misconceptions in pandas (`pd.read_csv("mistakes.csv")`).

Only the submission that counts for each student is read. `mutant` is empty where the answer
matched no known mistake; `behaviour` is its fingerprint (students with the same one answered
alike: what `grader bank mine` groups by).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..gradebook.store import StoredResult

COLUMNS = ["student", "assignment", "question", "mutant", "score", "max_score", "behaviour"]


def mistake_rows(results: list[StoredResult]) -> list[dict[str, str]]:
    rows = []
    for stored in sorted(results, key=lambda r: (r.assignment, r.student)):
        for question in (stored.result or {}).get("questions", []):
            if question["score"] >= question["max_score"]:
                continue
            diagnosis = question.get("diagnosis") or {}
            rows.append(
                {
                    "student": stored.student,
                    "assignment": stored.assignment,
                    "question": question["id"],
                    "mutant": diagnosis.get("mutant", ""),
                    "score": f"{question['score']:g}",
                    "max_score": f"{question['max_score']:g}",
                    "behaviour": question.get("behaviour", ""),
                }
            )
    return rows


def write_mistakes(results: list[StoredResult], out: Path) -> int:
    """Write the CSV; returns the number of rows."""
    rows = mistake_rows(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
