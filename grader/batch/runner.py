"""Run a batch: find submissions, skip those already in the gradebook, grade the rest on warm
workers, and commit each outcome the moment it arrives.

The parent process (this one) is the only gradebook writer. It never imports torch and never
runs student code; it reads files, hashes them, and stores the JSON its workers send back after
checking that each result is for the file that was sent.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..gradebook.store import Gradebook
from .pool import Task, WorkerPool
from .sources import Candidate, EntryRefused, find_submissions
from .worker import GradeConfig


@dataclass
class BatchReport:
    layout: str = ""
    found: int = 0
    graded: int = 0
    errors: int = 0
    skipped: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    this_run: dict[tuple[str, str], str] = field(default_factory=dict)  # (student, sha) -> status


Progress = Callable[[str], None]  # called with "graded" | "error" | "skipped" | "refused"


def run_batch(
    source: Path,
    config: GradeConfig,
    db_path: Path,
    *,
    workers: int = 2,
    force: bool = False,
    cluster: str | None = None,
    on_found: Callable[[int], None] | None = None,
    on_progress: Progress | None = None,
    entry_cap: int | None = None,
    pool: WorkerPool | None = None,
) -> BatchReport:
    """Grade `source` into the gradebook at `db_path`. `pool` (already started, with the same
    config) lets several batches share warm workers; by default a pool is started for this
    batch, or a Dask cluster is used when `cluster` is given."""
    if pool is not None and pool.config != config:
        raise ValueError("the pool was started with another grading config")
    caps = {"entry_cap": entry_cap} if entry_cap else {}
    found = find_submissions(source, config.assignment, **caps)
    report = BatchReport(layout=found.layout, found=len(found.candidates))
    tick = on_progress or (lambda _kind: None)
    try:
        with Gradebook(db_path) as book:
            for refusal in found.refusals:
                book.record_refusal(config.assignment, refusal.label, refusal.reason)
                report.refused.append((refusal.label, refusal.reason))
            if on_found:
                on_found(len(found.candidates))
            known = set() if force else book.known_keys(config.assignment)
            tasks = _tasks(found.candidates, known, book, config.assignment, report, tick)

            def on_outcome(task: Task, outcome: dict[str, Any]) -> None:
                candidate, sha = task.payload
                _store(book, config.assignment, candidate, sha, outcome, report)
                tick(report.this_run[(candidate.student, sha)])

            # Start no workers (seconds of torch imports) when there is nothing new to grade.
            first = next(tasks, None)
            if first is not None:
                tasks = itertools.chain([first], tasks)
                if cluster:
                    from .dask_backend import run_on_dask

                    run_on_dask(cluster, workers, config, tasks, on_outcome)
                else:
                    (pool or WorkerPool(config, workers)).run(tasks, on_outcome)
    finally:
        found.close()
    return report


def _tasks(
    candidates: list[Candidate],
    known: set[tuple[str, str]],
    book: Gradebook,
    assignment: str,
    report: BatchReport,
    tick: Progress,
) -> Iterator[Task]:
    """Read and hash one candidate at a time (lazily, as workers free up)."""
    dispatched: set[tuple[str, str]] = set()
    for task_id, candidate in enumerate(candidates):
        try:
            data = candidate.read()
        except EntryRefused as exc:
            book.record_refusal(assignment, candidate.label, str(exc))
            report.refused.append((candidate.label, str(exc)))
            tick("refused")
            continue
        except OSError as exc:
            reason = f"{candidate.label}: cannot be read ({exc.strerror or exc})"
            book.record_refusal(assignment, candidate.label, reason)
            report.refused.append((candidate.label, reason))
            tick("refused")
            continue
        sha = hashlib.sha256(data).hexdigest()
        key = (candidate.student, sha)
        if key in known:
            report.skipped += 1
            tick("skipped")
            continue
        if key in dispatched:  # the same file twice in one source: grade it once
            report.duplicates += 1
            tick("skipped")
            continue
        dispatched.add(key)
        yield Task(
            task_id, candidate.label, data, payload=(candidate, sha), student=candidate.student
        )


def _store(
    book: Gradebook,
    assignment: str,
    candidate: Candidate,
    sha: str,
    outcome: dict[str, Any],
    report: BatchReport,
) -> None:
    result, error = None, outcome.get("error")
    if error is None:
        try:
            result = json.loads(outcome["result"])
            if result.get("submission_sha256") != sha or result.get("assignment") != assignment:
                raise ValueError("the result is not for the file that was sent")
        except (KeyError, TypeError, ValueError) as exc:
            result, error = None, f"{candidate.label}: the worker's answer was unusable ({exc})"
    book.record(
        student=candidate.student,
        assignment=assignment,
        sha256=sha,
        source=candidate.label,
        submitted_at=candidate.submitted_at,
        result=result,
        error=error,
    )
    if result is not None:
        report.graded += 1
        report.this_run[(candidate.student, sha)] = "graded"
    else:
        report.errors += 1
        report.this_run[(candidate.student, sha)] = "error"
