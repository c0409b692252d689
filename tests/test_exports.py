"""Exports read the gradebook: CSV columns, Gradescope results.json (schema), JSON dump."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from grader.cli import main
from grader.exports.gradescope import validate
from grader.gradebook.store import Gradebook

from .nbutil import SOLUTION, solution_with

ASSIGNMENT = "preliminaries-core"


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory, grade):
    """Three students graded for real: full marks, one wrong answer (two submissions, the later
    counts), and a file that is not a notebook."""
    folder = tmp_path_factory.mktemp("exports")
    db = folder / "gb.sqlite"
    wrong = solution_with(
        folder / "wrong.ipynb", {"grid": "def grid(rows, cols):\n    return None\n"}
    )
    with Gradebook(db) as book:
        for student, path, when in (
            ("ann", SOLUTION, "2026-11-01T10:00:00+00:00"),
            ("ben", SOLUTION, "2026-11-01T10:00:00+00:00"),
            ("ben", wrong, "2026-11-02T10:00:00+00:00"),
        ):
            result = grade(path)
            book.record(
                student=student,
                assignment=ASSIGNMENT,
                sha256=result["submission_sha256"],
                source=str(path),
                submitted_at=when,
                result=result,
            )
        book.record(
            student="cat",
            assignment=ASSIGNMENT,
            sha256="0" * 64,
            source="cat.ipynb",
            submitted_at="2026-11-01T10:00:00+00:00",
            error="cat.ipynb: not a notebook: the JSON is malformed (line 1, column 2)",
        )
    return db


def test_csv_one_row_per_student_a_column_per_question(gradebook, bank, tmp_path):
    out = tmp_path / "grades.csv"
    assert main(["export", "csv", "--db", str(gradebook), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    header = next(csv.reader(out.open(encoding="utf-8")))
    question_ids = [q.id for q in bank.assignment_questions(ASSIGNMENT)]
    assert header == ["student", *question_ids, "total", "max_score", "status"]
    by_student = {row["student"]: row for row in rows}
    assert list(by_student) == ["ann", "ben", "cat"]
    with Gradebook(gradebook) as book:
        ann = next(r for r in book.results(ASSIGNMENT) if r.student == "ann")
    # Full marks (the maximum leaves out CUDA checks skipped on a CPU-only runner).
    assert ann.result["max_score"] > 0
    assert float(by_student["ann"]["total"]) == pytest.approx(ann.result["max_score"])
    # ben's later submission counts: it loses the grid question only.
    assert float(by_student["ben"]["grid"]) < float(by_student["ann"]["grid"])
    assert float(by_student["ben"]["concat"]) == float(by_student["ann"]["concat"])
    assert sum(float(by_student["ben"][q]) for q in question_ids) == pytest.approx(
        float(by_student["ben"]["total"])
    )
    # cat's notebook could not be graded: no scores (as the class report leaves it out of the
    # means), its status, and the maximum the others were graded on.
    assert by_student["cat"]["status"] == "error" and by_student["cat"]["total"] == ""
    assert all(by_student["cat"][q] == "" for q in question_ids)
    assert float(by_student["cat"]["max_score"]) == pytest.approx(ann.result["max_score"])
    assert by_student["ann"]["status"] == by_student["ben"]["status"] == "graded"
    assert float(by_student["ann"]["max_score"]) == pytest.approx(ann.result["max_score"])


def test_gradescope_results_validate_and_keep_messages(gradebook):
    """The results.json the Gradescope autograder writes (docs/lms.md), from stored results."""
    from grader.exports.gradescope import gradescope_results

    with Gradebook(gradebook) as book:
        stored = {r.student: r for r in book.results(ASSIGNMENT)}
    assert sorted(stored) == ["ann", "ben", "cat"]
    for student, entry in stored.items():
        data = gradescope_results(entry)
        validate(data)
        result = entry.result
        if result is None:
            assert data["score"] == 0 and data["tests"] == []
            assert "could not be graded" in data["output"]
            continue
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))
        assert data["score"] == pytest.approx(result["score"])
        messages = {f"{q['id']}: {c['name']}": c for q in result["questions"] for c in q["checks"]}
        for test in data["tests"]:
            check = messages[test["name"]]
            # Only the grader's own (safe) message, never anything added from the checks.
            assert test["output"].endswith(check["message"].strip())
            assert test["visibility"] == (
                "visible" if check["visibility"] == "visible" else "after_published"
            )
        if student == "ben":
            assert any(
                t["status"] == "failed" and t["name"].startswith("grid:") for t in data["tests"]
            )


def test_gradescope_schema_rejects_other_statuses():
    bad = {
        "score": 1,
        "execution_time": 0.1,
        "tests": [
            {
                "name": "t",
                "score": 1,
                "max_score": 1,
                "status": "skipped",
                "visibility": "visible",
                "output": "",
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)


def test_json_export_has_every_submission(gradebook, tmp_path):
    out = tmp_path / "all.json"
    assert main(["export", "json", "--db", str(gradebook), "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    submissions = document["submissions"]
    assert len(submissions) == 4
    assert [s["counts"] for s in submissions if s["student"] == "ben"] == [False, True]
    cat = next(s for s in submissions if s["student"] == "cat")
    assert cat["result"] is None and "malformed" in cat["error"]


def test_bad_input_is_exit_2(gradebook, tmp_path, capsys):
    assert main(["export", "csv", "--db", str(tmp_path / "no.sqlite"), "--out", "x.csv"]) == 2
    assert "no such gradebook" in capsys.readouterr().err
    args = ["export", "json", "--db", str(gradebook), "--out", "x", "--assignment", "nope"]
    assert main(args) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
