"""The submission server's state, in the gradebook's own SQLite file: tokens, the queue of
submissions, every result of each (the history), and deadline extensions.

Why here: one file holds the course's grades, and one transaction both records a graded
submission in the gradebook (`submissions`, what exports and reports read) and marks its queue
entry done. A submission answered 202 is committed before the answer; a server killed at any
point restarts with `requeue_interrupted()`, and a result is never recorded twice for one
grading run (the queue entry moves `queued → grading → graded` under the same lock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .store import Gradebook, now_iso

_SERVER_SCHEMA = """
CREATE TABLE IF NOT EXISTS server_tokens (
    token_sha256 TEXT PRIMARY KEY,   -- only the hash; tokens.csv is the one plaintext copy
    student TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('student', 'instructor')),
    created_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS server_tokens_by_student ON server_tokens (student, role);
CREATE TABLE IF NOT EXISTS server_submissions (
    id TEXT PRIMARY KEY,             -- random, unguessable
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    notebook BLOB NOT NULL,
    late_days INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('queued', 'grading', 'graded', 'not-graded')),
    runs INTEGER NOT NULL DEFAULT 0  -- grading runs started (a regrade starts another)
);
CREATE INDEX IF NOT EXISTS server_queue ON server_submissions (status, submitted_at);
CREATE INDEX IF NOT EXISTS server_by_student ON server_submissions (student, assignment);
CREATE TABLE IF NOT EXISTS server_results (
    submission TEXT NOT NULL REFERENCES server_submissions (id),
    run INTEGER NOT NULL,
    graded_at TEXT NOT NULL,
    result_json TEXT,
    error TEXT,
    PRIMARY KEY (submission, run)
);
CREATE TABLE IF NOT EXISTS server_extensions (
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    days REAL NOT NULL,
    PRIMARY KEY (student, assignment)
);
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Identity:
    student: str
    role: str  # student | instructor

    @property
    def instructor(self) -> bool:
        return self.role == "instructor"


@dataclass(frozen=True)
class Submission:
    id: str
    student: str
    assignment: str
    submitted_at: str
    late_days: int
    status: str
    runs: int
    result: dict[str, Any] | None  # of the latest finished run
    error: str | None

    @property
    def score(self) -> float | None:
        return float(self.result["score"]) if self.result else None

    @property
    def max_score(self) -> float | None:
        return float(self.result["max_score"]) if self.result else None


class ServerStore(Gradebook):
    """The gradebook plus the server's tables. One per thread (SQLite connections are)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._db.executescript(_SERVER_SCHEMA)

    # -- tokens ------------------------------------------------------------------------------

    def issue_tokens(
        self, students: list[str], role: str = "student", rotate: bool = False
    ) -> dict[str, str]:
        """A new random token (192 bits) for each of `students` that has none (every one with
        `rotate`, whose old tokens stop working); returns student -> token, the only plaintext."""
        issued = {}
        with self._transaction():
            for student in students:
                has = self._db.execute(
                    "SELECT 1 FROM server_tokens WHERE student = ? AND role = ? AND revoked = 0",
                    (student, role),
                ).fetchone()
                if has and not rotate:
                    continue
                self._db.execute(
                    "UPDATE server_tokens SET revoked = 1 WHERE student = ? AND role = ?",
                    (student, role),
                )
                token = secrets.token_urlsafe(24)
                self._db.execute(
                    "INSERT INTO server_tokens VALUES (?, ?, ?, ?, 0)",
                    (token_hash(token), student, role, now_iso()),
                )
                issued[student] = token
        return issued

    def identify(self, token: str) -> Identity | None:
        if not token or len(token) > 200:
            return None
        return self.identify_digest(token_hash(token))

    def identify_digest(self, digest: str) -> Identity | None:
        """Who holds the token with this hash (a session keeps the hash, never the token)."""
        row = self._db.execute(
            "SELECT student, role FROM server_tokens WHERE token_sha256 = ? AND revoked = 0",
            (digest,),
        ).fetchone()
        return Identity(row[0], row[1]) if row else None

    def student_count(self) -> int:
        return self._db.execute(
            "SELECT COUNT(DISTINCT student) FROM server_tokens "
            "WHERE revoked = 0 AND role = 'student'"
        ).fetchone()[0]

    def session_key(self) -> str:
        """The key that signs session cookies, kept so that a restart does not sign everyone
        out; made once per gradebook."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'server_session_key'").fetchone()
        if row:
            return row[0]
        key = secrets.token_hex(32)
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_session_key', ?)", (key,)
            )
        return self._db.execute(
            "SELECT value FROM meta WHERE key = 'server_session_key'"
        ).fetchone()[0]

    # -- the queue ---------------------------------------------------------------------------

    def enqueue(
        self,
        student: str,
        assignment: str,
        data: bytes,
        late_days: int,
        daily_cap: int | None = None,
    ) -> str | None:
        """Commit a submission to the queue (before the 202 goes out); returns its id, or None
        when the student already used `daily_cap` submissions today (checked under the write
        lock, so two uploads at once cannot both take the last one)."""
        submission_id = secrets.token_urlsafe(12)
        with self._transaction():
            if daily_cap is not None and self.submissions_today(student, assignment) >= daily_cap:
                return None
            self._db.execute(
                "INSERT INTO server_submissions (id, student, assignment, submitted_at, sha256, "
                "notebook, late_days, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')",
                (
                    submission_id,
                    student,
                    assignment,
                    now_iso(),
                    hashlib.sha256(data).hexdigest(),
                    data,
                    late_days,
                ),
            )
        return submission_id

    def submissions_today(self, student: str, assignment: str) -> int:
        day = dt.datetime.now(dt.UTC).date().isoformat()
        return self._db.execute(
            "SELECT COUNT(*) FROM server_submissions WHERE student = ? AND assignment = ? "
            "AND substr(submitted_at, 1, 10) = ?",
            (student, assignment, day),
        ).fetchone()[0]

    def requeue_interrupted(self) -> int:
        """At start: submissions a killed server was grading go back to the queue (their run
        recorded nothing, so grading them again records their one result)."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE server_submissions SET status = 'queued' WHERE status = 'grading'"
            )
        return cursor.rowcount

    def claim_next(self) -> tuple[str, str, str, bytes, int] | None:
        """The oldest queued submission, now marked grading:
        (id, student, assignment, notebook, run)."""
        with self._transaction():
            row = self._db.execute(
                "SELECT id, student, assignment, notebook, runs FROM server_submissions "
                "WHERE status = 'queued' ORDER BY submitted_at, id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                "UPDATE server_submissions SET status = 'grading', runs = runs + 1 WHERE id = ?",
                (row[0],),
            )
        return row[0], row[1], row[2], bytes(row[3]), row[4] + 1

    def finish(
        self, submission_id: str, run: int, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        """Record one grading run's outcome, in the history and the gradebook, and mark the
        submission done, in one transaction. False (nothing written) when this run is not the
        submission's current one (a regrade started meanwhile) or it is not being graded."""
        with self._transaction():
            row = self._db.execute(
                "SELECT student, assignment, sha256, submitted_at, status, runs "
                "FROM server_submissions WHERE id = ?",
                (submission_id,),
            ).fetchone()
            if row is None or row[4] != "grading" or row[5] != run:
                return False
            student, assignment, sha256, submitted_at = row[:4]
            self._db.execute(
                "INSERT INTO server_results VALUES (?, ?, ?, ?, ?)",
                (
                    submission_id,
                    run,
                    now_iso(),
                    json.dumps(result, ensure_ascii=False) if result is not None else None,
                    error,
                ),
            )
            self._record_rows(
                student, assignment, sha256, f"server:{submission_id}", submitted_at, result, error
            )
            self._db.execute(
                "UPDATE server_submissions SET status = ? WHERE id = ?",
                ("graded" if result is not None else "not-graded", submission_id),
            )
        return True

    def regrade(self, assignment: str) -> int:
        """Queue every finished submission of `assignment` again (after a bank fix); each run
        adds a result to its history, the old ones stay."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE server_submissions SET status = 'queued' WHERE assignment = ? "
                "AND status IN ('graded', 'not-graded')",
                (assignment,),
            )
        return cursor.rowcount

    def pending(self) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM server_submissions WHERE status IN ('queued', 'grading')"
        ).fetchone()[0]

    # -- reading -------------------------------------------------------------------------------

    def submission(self, submission_id: str) -> Submission | None:
        row = self._db.execute(
            "SELECT id, student, assignment, submitted_at, late_days, status, runs "
            "FROM server_submissions WHERE id = ?",
            (submission_id,),
        ).fetchone()
        return self._with_result(row) if row else None

    def history(self, student: str | None, assignment: str | None = None) -> list[Submission]:
        """Submissions, newest first: one student's (or everyone's, for None)."""
        clauses, params = [], []
        if student is not None:
            clauses.append("student = ?")
            params.append(student)
        if assignment is not None:
            clauses.append("assignment = ?")
            params.append(assignment)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db.execute(
            "SELECT id, student, assignment, submitted_at, late_days, status, runs "
            f"FROM server_submissions {where} ORDER BY submitted_at DESC, id",
            params,
        ).fetchall()
        return [self._with_result(row) for row in rows]

    def results_of(self, submission_id: str) -> list[tuple[int, str, dict | None, str | None]]:
        """Every finished run of a submission: (run, graded_at, result, error), oldest first."""
        rows = self._db.execute(
            "SELECT run, graded_at, result_json, error FROM server_results WHERE submission = ? "
            "ORDER BY run",
            (submission_id,),
        ).fetchall()
        return [(r[0], r[1], json.loads(r[2]) if r[2] else None, r[3]) for r in rows]

    def _with_result(self, row: tuple) -> Submission:
        latest = self._db.execute(
            "SELECT result_json, error FROM server_results WHERE submission = ? "
            "ORDER BY run DESC LIMIT 1",
            (row[0],),
        ).fetchone()
        result = json.loads(latest[0]) if latest and latest[0] else None
        return Submission(*row, result=result, error=latest[1] if latest else None)

    # -- extensions ----------------------------------------------------------------------------

    def set_extension(self, student: str, assignment: str, days: float) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO server_extensions VALUES (?, ?, ?)",
                (student, assignment, float(days)),
            )

    def extensions(self) -> dict[tuple[str, str], float]:
        rows = self._db.execute("SELECT student, assignment, days FROM server_extensions")
        return {(s, a): d for s, a, d in rows}


def open_store(path: Path) -> ServerStore:
    try:
        return ServerStore(path)
    except sqlite3.DatabaseError as exc:  # pragma: no cover - Gradebook reports most
        from .store import GradebookProblem

        raise GradebookProblem(f"{path}: not a gradebook ({exc})") from None
