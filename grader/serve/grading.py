"""The server's grading loop: the gradebook's queue fed to a warm worker pool, in one thread.

The pool is `grader batch`'s (warm processes, each with a Grader and its forked sandbox), kept
up between submissions. The loop claims the oldest queued submission whenever a worker is free
and records its outcome the moment it arrives (ServerStore.finish: history, gradebook and
queue entry in one transaction). The web handlers write a byte to `wakeup` after each
enqueue, so an idle pool starts grading at once instead of at its next one-second poll.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..batch.pool import IDLE, PoolProblem, Task, WorkerPool
from ..batch.worker import GradeConfig
from ..gradebook.server_store import ServerStore


class GradingLoop:
    def __init__(self, db: Path, config: GradeConfig, workers: int) -> None:
        self.db = db
        self.config = config
        self.workers = workers
        self._stop = threading.Event()
        self._wakeup_read, self._wakeup_write = socket.socketpair()
        self._wakeup_read.setblocking(False)
        self._thread = threading.Thread(target=self._run, name="grading-loop", daemon=True)
        self._running: dict[int, tuple[str, int]] = {}  # task id -> (submission id, run)
        self._next_task = 0
        self.failure: str | None = None  # why the loop stopped, if it did by itself
        self.graded = 0

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Called after an enqueue (from any thread): grade it now."""
        try:
            self._wakeup_write.send(b"\0")
        except OSError:
            pass

    def stop(self, timeout: float = 60.0) -> None:
        """Finish what the workers are grading, then stop the pool."""
        self._stop.set()
        self.wake()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        store = ServerStore(self.db)
        try:
            with WorkerPool(self.config, self.workers) as pool:
                pool.run(
                    self._tasks(store), lambda t, o: self._finish(store, t, o), self._wakeup_read
                )
        except PoolProblem as exc:
            self.failure = str(exc)
        finally:
            store.close()

    def _tasks(self, store: ServerStore) -> Iterator[Task | Any]:
        while not self._stop.is_set():
            claimed = store.claim_next()
            if claimed is None:
                yield IDLE
                continue
            submission_id, student, assignment, data, run = claimed
            self._next_task += 1
            self._running[self._next_task] = (submission_id, run)
            yield Task(
                self._next_task,
                f"{submission_id}.ipynb",
                data,
                student=student,
                assignment=assignment,
            )

    def _finish(self, store: ServerStore, task: Task, outcome: dict[str, Any]) -> None:
        submission_id, run = self._running.pop(task.task_id)
        result = json.loads(outcome["result"]) if "result" in outcome else None
        error = None if result is not None else str(outcome.get("error", "not graded"))
        if store.finish(submission_id, run, result, error):
            self.graded += 1
