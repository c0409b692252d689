"""The gradebook: one row per (student, assignment, sha256), which submission counts, WAL."""

from __future__ import annotations

import sqlite3

import pytest

from grader.gradebook.store import Gradebook, GradebookProblem


def _result(sha: str, score: float, max_score: float = 10.0) -> dict:
    """A minimal result as the grader writes it (only the fields the gradebook reads)."""
    return {
        "submission_sha256": sha,
        "score": score,
        "max_score": max_score,
        "timings": {"total_s": 0.5},
        "questions": [
            {
                "id": "q1",
                "score": score,
                "max_score": max_score,
                "checks": [
                    {
                        "name": "c1",
                        "score": score,
                        "max_score": max_score,
                        "status": "passed" if score == max_score else "failed",
                        "visibility": "hidden",
                        "message": "",
                    }
                ],
            }
        ],
    }


def _record(book, student, sha, when, score=None, error=None, assignment="a1"):
    book.record(
        student=student,
        assignment=assignment,
        sha256=sha * 64,
        source=f"{student}.ipynb",
        submitted_at=when,
        result=_result(sha * 64, score) if score is not None else None,
        error=error,
    )


def test_latest_counts_and_all_are_kept(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        _record(book, "ann", "1", "2026-01-01T00:00:00+00:00", score=9)
        _record(book, "ann", "2", "2026-01-03T00:00:00+00:00", score=4)
        _record(book, "ann", "3", "2026-01-02T00:00:00+00:00", score=10)
        _record(book, "ben", "4", "2026-01-01T00:00:00+00:00", error="not a notebook: truncated")
        counting = book.results("a1")
        everything = book.results("a1", counting_only=False)
        assert book.assignments() == ["a1"]
    assert [(r.student, r.sha256[0], r.score) for r in counting] == [
        ("ann", "2", 4.0),
        ("ben", "4", 0.0),
    ]
    assert len(everything) == 4
    assert [r.counts for r in everything if r.student == "ann"] == [False, False, True]
    ben = counting[1]
    assert ben.result is None and ben.error == "not a notebook: truncated"


def test_best_policy_picks_highest(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        _record(book, "ann", "1", "2026-01-01T00:00:00+00:00", score=9)
        _record(book, "ann", "2", "2026-01-03T00:00:00+00:00", score=4)
    with Gradebook(tmp_path / "gb.sqlite", policy="best") as book:
        assert [r.sha256[0] for r in book.results("a1")] == ["1"]


def test_recording_again_replaces_without_duplicates(tmp_path):
    path = tmp_path / "gb.sqlite"
    with Gradebook(path) as book:
        _record(book, "ann", "1", "2026-01-01T00:00:00+00:00", error="the grader failed: boom")
        _record(book, "ann", "1", "2026-01-01T00:00:00+00:00", score=7)
        assert book.count() == 1
        assert book.has("ann", "a1", "1" * 64)
        assert book.known_keys("a1") == {("ann", "1" * 64)}
        (stored,) = book.results("a1")
        assert stored.error is None and stored.score == 7
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_refusals_are_recorded_once(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        book.record_refusal("a1", "x.zip!../evil.ipynb", "leaves the folder")
        book.record_refusal("a1", "x.zip!../evil.ipynb", "leaves the folder")
        assert book.refusals("a1") == [("x.zip!../evil.ipynb", "leaves the folder")]


def test_not_a_gradebook_is_one_line(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("just some text, not SQLite\n" * 100)
    with pytest.raises(GradebookProblem, match="not a gradebook"):
        Gradebook(bogus)
    with pytest.raises(GradebookProblem, match="is a folder"):
        Gradebook(tmp_path)


def test_record_needs_result_or_error(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book, pytest.raises(ValueError):
        _record(book, "ann", "1", "2026-01-01T00:00:00+00:00")
