"""Grades for Canvas and Moodle, in the CSV forms their gradebooks import.

Canvas: the instructor exports the course gradebook (Grades → Export → Export Entire
Gradebook), we fill one assignment's column for the students we can match, and they import the
file we write (Grades → Import). Its first columns are `Student, ID, SIS User ID, SIS Login ID,
Section`; assignment columns are `NAME (ID)`; a second row `Points Possible` may follow the
header. Moodle: Grades → Import → CSV file, one column identifying the user (email address,
ID number or username) and one column per grade item.

Students are matched by their id in our gradebook, directly or through a roster mapping; a
student we cannot match is listed, never dropped silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..gradebook.store import StoredResult

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_MATCH_KEYS = ("SIS Login ID", "SIS User ID", "ID")
MOODLE_FIELDS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}


class LmsProblem(Exception):
    """The LMS file cannot be used as given; the message says what and where."""


@dataclass
class Filled:
    rows: list[list[str]]
    matched: list[str] = field(default_factory=list)
    unmatched_grades: list[str] = field(default_factory=list)  # ours, no LMS row for them
    without_grade: list[str] = field(default_factory=list)  # LMS rows we had no grade for


def read_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LmsProblem(f"{path}: cannot read it as UTF-8 CSV ({exc})") from None
    return [row for row in csv.reader(io.StringIO(text))]


def write_csv(rows: list[list[str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def scores_of(results: list[StoredResult]) -> dict[str, tuple[float, float]]:
    """Student -> (score, max_score) of the submission that counts (graded ones only)."""
    return {
        r.student: (float(r.result["score"]), float(r.result["max_score"]))
        for r in results
        if r.result is not None
    }


def fill_canvas(
    canvas: list[list[str]],
    column: str,
    scores: dict[str, tuple[float, float]],
    mapping: dict[str, str] | None = None,
) -> Filled:
    """Canvas's import CSV: its identity columns and `column`, filled where we have a grade.
    `mapping`: our student id -> the Canvas login or SIS id, when they differ."""
    if not canvas or any(name not in canvas[0] for name in CANVAS_IDENTITY):
        raise LmsProblem(
            "not a Canvas gradebook export: its header must start with "
            + ", ".join(CANVAS_IDENTITY)
        )
    header = canvas[0]
    if column not in header:
        choices = [h for h in header[len(CANVAS_IDENTITY) :] if h.endswith(")")]
        raise LmsProblem(
            f"no column {column!r} in the Canvas export; its assignment columns: "
            + (", ".join(choices) or "none")
        )
    where = header.index(column)
    keys = [header.index(k) for k in CANVAS_MATCH_KEYS]
    identity = [header.index(k) for k in CANVAS_IDENTITY]
    possible = None
    out = [[*CANVAS_IDENTITY, column]]
    body = canvas[1:]
    if body and body[0] and body[0][0].strip() == "Points Possible":
        possible = _number(body[0][where]) if where < len(body[0]) else None
        out.append([body[0][i] if i < len(body[0]) else "" for i in identity] + [body[0][where]])
        body = body[1:]
    lookup = {}
    for student in scores:
        lookup[(mapping or {}).get(student, student)] = student
    filled = Filled(out)
    for row in body:
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        student = next((lookup[row[k]] for k in keys if row[k] in lookup), None)
        value = row[where]
        if student is None:
            filled.without_grade.append(row[header.index("Student")] or row[keys[0]])
        else:
            score, maximum = scores[student]
            points = score / maximum * possible if possible and maximum else score
            value = f"{points:.2f}"
            filled.matched.append(student)
        out.append([row[i] for i in identity] + [value])
    filled.unmatched_grades = sorted(set(scores) - set(filled.matched))
    return filled


def moodle_rows(
    scores: dict[str, tuple[float, float]],
    item: str,
    id_field: str = "email",
    mapping: dict[str, str] | None = None,
) -> list[list[str]]:
    """Moodle's grade-import CSV: the user's identifier column and the grade item's column."""
    if id_field not in MOODLE_FIELDS:
        raise LmsProblem(f"--id-field {id_field!r}: use one of {', '.join(MOODLE_FIELDS)}")
    rows = [[MOODLE_FIELDS[id_field], item]]
    for student in sorted(scores):
        score, _ = scores[student]
        rows.append([(mapping or {}).get(student, student), f"{score:.2f}"])
    return rows


def roster_mapping(path: Path, column: str) -> dict[str, str]:
    """Our student id (`student` column) -> the LMS identifier (`column`) from a roster CSV."""
    rows = read_csv(path)
    if not rows or "student" not in rows[0] or column not in rows[0]:
        raise LmsProblem(f"{path}: a roster needs the columns `student` and `{column}`")
    s, c = rows[0].index("student"), rows[0].index(column)
    return {row[s]: row[c] for row in rows[1:] if len(row) > max(s, c) and row[s] and row[c]}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
