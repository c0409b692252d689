"""The gradebook in SQLite: one row per (student, assignment, sha256), per-check rows beside it.

Why SQLite in WAL mode: one writer (the batch's parent process) commits each result the moment
it arrives, so a SIGKILL at any point loses at most the submissions still being graded; readers
(reports, exports, a second terminal) never block that writer. The unique key makes a rerun
idempotent: a submission already in the book is skipped, and `--force` replaces its row in place
(never a duplicate).

Which submission counts is decided when reading, not stored: with the default policy the one
submitted last (then the one recorded last) counts for each student and assignment, so a new
submission changes the choice without rewriting older rows.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,            -- where the file came from (path, or zip!entry)
    submitted_at TEXT NOT NULL,      -- ISO 8601, UTC
    graded_at TEXT NOT NULL,         -- ISO 8601, UTC
    grader_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('graded', 'error')),
    score REAL,
    max_score REAL,
    total_s REAL,                    -- grading time of this submission
    error TEXT,                      -- one line, when status = 'error'
    result_json TEXT,                -- the full result (result.schema.json), when graded
    UNIQUE (student, assignment, sha256)
);
CREATE INDEX IF NOT EXISTS submissions_by_assignment ON submissions (assignment, student);
CREATE TABLE IF NOT EXISTS checks (
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    name TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_by_submission ON checks (submission_id);
CREATE TABLE IF NOT EXISTS refusals (
    assignment TEXT NOT NULL,
    label TEXT NOT NULL,             -- archive.zip!entry, or a file path
    reason TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (assignment, label)
);
"""

POLICIES = ("latest", "best")


class GradebookProblem(Exception):
    """The file is not a gradebook this version can read (one line: what and what to do)."""


@dataclass(frozen=True)
class StoredResult:
    student: str
    assignment: str
    sha256: str  # of the submission file
    submitted_at: str  # ISO time the submission was recorded (file mtime or batch time)
    graded_at: str
    counts: bool  # True for the submission that counts for this student+assignment
    result: dict | None  # the full result JSON; None when the file was not gradable
    error: str | None  # one-line reason when it could not be graded
    source: str = ""  # where the file came from (path, or archive.zip!entry)

    @property
    def score(self) -> float:
        """Points earned; an ungradable submission earns 0."""
        return float(self.result["score"]) if self.result else 0.0


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Gradebook:
    """Open (or create) the gradebook at `path`.

    `policy` says which submission counts when a student has several for one assignment:
    "latest" (the last submitted) or "best" (the highest score, latest among ties). Without it,
    the policy recorded in the gradebook (`set_policy`, `grader batch --policy`), else "latest".
    """

    def __init__(self, path: Path, *, policy: str | None = None) -> None:
        if policy is not None and policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; use one of {', '.join(POLICIES)}")
        self.path = Path(path)
        self.policy = policy or "latest"
        if self.path.is_dir():
            raise GradebookProblem(
                f"{self.path}: is a folder; give a file name such as gradebook.sqlite"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we open transactions ourselves, so each commit is explicit.
        self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed transaction survives a process kill (SIGKILL);
            # only a power loss may roll back the last commits.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._check_version()
            if policy is None:  # the policy the course chose (`grader batch --policy`)
                self.policy = self._stored_policy()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise GradebookProblem(
                f"{self.path}: not a gradebook ({exc}); give a new file name or the right file"
            ) from None

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise GradebookProblem(
                f"{self.path}: gradebook schema version {row[0]}, this grader reads {SCHEMA_VERSION}"
            )

    def _stored_policy(self) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
        return row[0] if row is not None and row[0] in POLICIES else "latest"

    def set_policy(self, policy: str) -> None:
        """Record which submission counts from now on, for every reader of this gradebook."""
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; use one of {', '.join(POLICIES)}")
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('policy', ?)", (policy,)
            )
        self.policy = policy

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (the batch's parent process only) -----------------------------------------

    def has(self, student: str, assignment: str, sha256: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM submissions WHERE student = ? AND assignment = ? AND sha256 = ?",
            (student, assignment, sha256),
        ).fetchone()
        return row is not None

    def known_keys(self, assignment: str) -> set[tuple[str, str]]:
        """(student, sha256) pairs already recorded for `assignment` (one query for a whole batch)."""
        rows = self._db.execute(
            "SELECT student, sha256 FROM submissions WHERE assignment = ?", (assignment,)
        )
        return {(student, sha) for student, sha in rows}

    def record(
        self,
        *,
        student: str,
        assignment: str,
        sha256: str,
        source: str,
        submitted_at: str,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        grader_version: str | None = None,
    ) -> None:
        """Store one submission (a result, or the one-line reason it could not be graded) and
        commit at once. Recording the same key again replaces the old row and its checks."""
        with self._transaction():
            self._record_rows(
                student, assignment, sha256, source, submitted_at, result, error, grader_version
            )

    def _record_rows(
        self,
        student: str,
        assignment: str,
        sha256: str,
        source: str,
        submitted_at: str,
        result: dict[str, Any] | None,
        error: str | None,
        grader_version: str | None = None,
    ) -> int:
        """The rows of `record`, inside the caller's transaction; returns the row's id (the
        submission server records a result and its queue entry in one transaction)."""
        if (result is None) == (error is None):
            raise ValueError("record() takes either a result or an error")
        if grader_version is None:
            from .. import __version__ as grader_version
        graded_at = now_iso()
        if result is not None:
            values = (
                "graded",
                float(result["score"]),
                float(result["max_score"]),
                float(result.get("timings", {}).get("total_s", 0.0)),
                None,
                json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                result.get("grader_version", grader_version),
            )
        else:
            one_line = " ".join(str(error).split())
            values = ("error", None, None, None, one_line, None, grader_version)
        status, score, max_score, total_s, err, result_json, version = values
        cursor = self._db.execute(
            """
            INSERT INTO submissions (student, assignment, sha256, source, submitted_at,
                graded_at, grader_version, status, score, max_score, total_s, error, result_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (student, assignment, sha256) DO UPDATE SET
                source = excluded.source, submitted_at = excluded.submitted_at,
                graded_at = excluded.graded_at, grader_version = excluded.grader_version,
                status = excluded.status, score = excluded.score,
                max_score = excluded.max_score, total_s = excluded.total_s,
                error = excluded.error, result_json = excluded.result_json
            RETURNING id
            """,
            (
                student,
                assignment,
                sha256,
                source,
                submitted_at,
                graded_at,
                version,
                status,
                score,
                max_score,
                total_s,
                err,
                result_json,
            ),
        )
        submission_id = cursor.fetchone()[0]
        self._db.execute("DELETE FROM checks WHERE submission_id = ?", (submission_id,))
        if result is not None:
            self._db.executemany(
                "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _check_rows(submission_id, result),
            )
        return submission_id

    def record_refusal(self, assignment: str, label: str, reason: str) -> None:
        """A file of a batch source that was not graded at all (an archive entry that escapes
        its folder, is not a notebook, or unpacks past the cap). Recorded once per label."""
        with self._transaction():
            self._db.execute(
                """
                INSERT INTO refusals (assignment, label, reason, recorded_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (assignment, label) DO UPDATE SET
                    reason = excluded.reason, recorded_at = excluded.recorded_at
                """,
                (assignment, label, " ".join(reason.split()), now_iso()),
            )

    def _transaction(self):
        return _Transaction(self._db)

    # -- reading ------------------------------------------------------------------------------

    def assignments(self) -> list[str]:
        rows = self._db.execute("SELECT DISTINCT assignment FROM submissions ORDER BY assignment")
        return [assignment for (assignment,) in rows]

    def results(
        self, assignment: str | None = None, *, counting_only: bool = True
    ) -> list[StoredResult]:
        """Stored submissions, ordered by assignment, student, then submission time.

        `counting_only` (default) gives one per student and assignment: the one that counts."""
        where, params = ("WHERE assignment = ?", (assignment,)) if assignment else ("", ())
        rows = self._db.execute(
            f"""
            SELECT id, student, assignment, sha256, source, submitted_at, graded_at, status,
                   score, error, result_json
            FROM submissions {where}
            ORDER BY assignment, student, submitted_at, id
            """,
            params,
        ).fetchall()
        counting = self._counting_ids(rows)
        out = []
        for row in rows:
            (
                row_id,
                student,
                assign,
                sha,
                source,
                submitted,
                graded,
                _status,
                _score,
                error,
                result_json,
            ) = row
            counts = row_id in counting
            if counting_only and not counts:
                continue
            out.append(
                StoredResult(
                    student=student,
                    assignment=assign,
                    sha256=sha,
                    submitted_at=submitted,
                    graded_at=graded,
                    counts=counts,
                    result=json.loads(result_json) if result_json is not None else None,
                    error=error,
                    source=source,
                )
            )
        return out

    def _counting_ids(self, rows: Iterable[tuple]) -> set[int]:
        """The id of the submission that counts for each (student, assignment).

        `rows` (id, student, assignment, sha256, source, submitted_at, graded_at, status,
        score, ...) come ordered by submission time then id, so a later row wins ties."""
        chosen: dict[tuple[str, str], tuple[float, int]] = {}
        for row in rows:
            row_id, student, assign, score = row[0], row[1], row[2], row[8] or 0.0
            key = (student, assign)
            if self.policy == "latest" or key not in chosen or score >= chosen[key][0]:
                chosen[key] = (score, row_id)
        return {row_id for _score, row_id in chosen.values()}

    def refusals(self, assignment: str | None = None) -> list[tuple[str, str]]:
        """(label, reason) of every refused file, for `assignment` or all."""
        where, params = ("WHERE assignment = ?", (assignment,)) if assignment else ("", ())
        rows = self._db.execute(
            f"SELECT label, reason FROM refusals {where} ORDER BY label", params
        )
        return [(label, reason) for label, reason in rows]

    def overview(self, assignment: str) -> list[dict[str, Any]]:
        """One light row per stored submission of `assignment` (no result JSON loaded), with
        whether it counts: for summaries of batches of thousands."""
        rows = self._db.execute(
            """
            SELECT id, student, assignment, sha256, source, submitted_at, graded_at, status,
                   score, error, max_score
            FROM submissions WHERE assignment = ?
            ORDER BY assignment, student, submitted_at, id
            """,
            (assignment,),
        ).fetchall()
        counting = self._counting_ids(rows)
        return [
            {
                "student": row[1],
                "sha256": row[3],
                "source": row[4],
                "submitted_at": row[5],
                "status": row[7],
                "score": row[8],
                "max_score": row[10],
                "error": row[9],
                "counts": row[0] in counting,
            }
            for row in rows
        ]

    def count(self, assignment: str | None = None) -> int:
        """How many submissions are stored (all of them, counting or not)."""
        if assignment:
            sql, params = "SELECT COUNT(*) FROM submissions WHERE assignment = ?", (assignment,)
        else:
            sql, params = "SELECT COUNT(*) FROM submissions", ()
        return int(self._db.execute(sql, params).fetchone()[0])


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): the write lock is taken up front, so two
    writers wait for each other instead of failing half-way."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _check_rows(submission_id: int, result: dict[str, Any]) -> list[tuple]:
    return [
        (
            submission_id,
            question["id"],
            check["name"],
            float(check["score"]),
            float(check["max_score"]),
            check["status"],
            check["visibility"],
            check["message"],
        )
        for question in result.get("questions", [])
        for check in question.get("checks", [])
    ]
