"""A pool of warm grader processes on this machine.

Each worker is started once, keeps one engine for all its submissions, and grades one submission
at a time. Workers are forked from multiprocessing's fork server, a clean interpreter that
imported torch and the grader once for all of them (`preload.py`); where there is no fork
server, each is spawned and imports them itself. The parent hands out work only to
idle workers, so at most N notebooks are in flight and memory stays flat however long the batch.

Messages are JSON text and raw notebook bytes over a pipe: nothing is pickled, so even a result
full of student-written messages is only ever decoded as JSON.

A worker that dies (or hangs past the task deadline) is replaced; the submission it held is
reported as an error once, never retried in a loop.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .worker import GradeConfig, outcome_error


class PoolProblem(Exception):
    """The pool cannot grade at all (workers cannot start); one line. `usage` marks a refusal
    caused by the options given (e.g. --strict-isolation where the sandbox is weaker)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass
class Task:
    task_id: int
    label: str
    data: bytes
    payload: Any = None  # whatever the caller needs back with the outcome
    student: str | None = None  # from the source's file names or tree (draws variants)
    assignment: str | None = None  # another than the pool's (the server serves several)


def worker_context() -> Any:
    """Where workers come from: forked from a fork server that imported torch and the grader
    once (`preload.py`), saving each worker that import (~2 CPU-seconds); spawned where the
    platform has no fork server. Never plain fork: the batch's parent may hold threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.preload"])
        return context
    return multiprocessing.get_context("spawn")


def pin_to_one_cpu(slot: int) -> None:
    """Keep this worker, and the sandbox it starts (its zygote and every submission's child
    inherit the mask), on one of the CPUs this process may use, the `slot`-th round robin.

    A judge and its student's child hand the turn to each other ~90 times per submission; on
    one CPU each hand-over is a local wake-up instead of an interrupt to another (virtual) CPU.
    Measured on this 2-core VM (bench/cpu_per_submission.py --calls): ~40-50 % less CPU per
    call into the sandbox; 11 % more submissions per second warm (docs/performance.md).
    Best effort: where the mask cannot be read or set, nothing changes."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
        if len(allowed) > 1:
            os.sched_setaffinity(0, {allowed[slot % len(allowed)]})
    except (AttributeError, OSError):
        pass


def _worker_main(
    conn: Connection,
    config: dict[str, Any],
    slot: int = 0,
    environment: dict[str, str] | None = None,
) -> None:
    """Body of a worker process: announce readiness, then grade until the pipe closes."""
    from ..grade import StrictIsolation
    from .worker import WorkerGrader

    if environment is not None:
        # The fork server's environment is the parent's when the server started: take the
        # parent's as it is now, as a spawned worker would (TMPDIR, the GPU's variables...).
        os.environ.clear()
        os.environ.update(environment)
        tempfile.tempdir = None  # worked out again from TMPDIR when next asked for
    pin_to_one_cpu(slot)  # before its sandbox starts, which inherits the mask
    try:
        grader = WorkerGrader(GradeConfig(**config))
    except BaseException as exc:  # tell the parent why, in one line
        usage = isinstance(exc, StrictIsolation)
        reason = str(exc) if usage else f"{type(exc).__name__}: {exc}"
        try:
            conn.send_bytes(json.dumps({"fatal": reason, "usage": usage}).encode())
        except OSError:
            pass
        return
    try:
        conn.send_bytes(b'{"ready": true}')
        while True:
            header = json.loads(conn.recv_bytes())
            data = conn.recv_bytes()
            student, assignment = header.get("student"), header.get("assignment")
            outcome = grader.grade(
                header["label"],
                data,
                student if isinstance(student, str) else None,
                assignment if isinstance(assignment, str) else None,
            )
            outcome["task_id"] = header["task_id"]
            conn.send_bytes(json.dumps(outcome).encode())
    except (EOFError, OSError):
        pass  # the parent is gone (finished, or killed): stop the engine and leave
    finally:
        grader.close()
    # Leave without the interpreter's teardown: with torch imported it took ~0.6 s per worker at
    # the end of every batch, and there is nothing left to flush or clean up (the engine is
    # closed, and every answer went out whole over the pipe).
    os._exit(0)


class _Worker:
    def __init__(self, ctx: Any, config: GradeConfig, slot: int) -> None:
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main,
            args=(child_conn, asdict(config), slot, dict(os.environ)),
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.ready = False
        self.task: Task | None = None
        self.deadline = 0.0

    def send(self, task: Task, timeout: float) -> None:
        self.task = task
        self.deadline = time.monotonic() + timeout
        self.conn.send_bytes(
            json.dumps(
                {
                    "task_id": task.task_id,
                    "label": task.label,
                    "student": task.student,
                    "assignment": task.assignment,
                }
            ).encode()
        )
        self.conn.send_bytes(task.data)

    def hang_up(self) -> None:
        """Close the pipe: the worker stops its engine and exits."""
        try:
            self.conn.close()
        except OSError:
            pass

    def stop(self) -> None:
        self.hang_up()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)


class _Idle:
    """What a long-lived task source yields when it has nothing to grade right now."""


IDLE = _Idle()


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(4096, socket.MSG_DONTWAIT):
            pass
    except (BlockingIOError, InterruptedError):
        pass


class WorkerPool:
    def __init__(
        self,
        config: GradeConfig,
        workers: int,
        *,
        task_timeout: float | None = None,
        start_timeout: float = 300.0,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.config = config
        self.size = workers
        limits = config.limits
        # The sandbox enforces the real limits; this only catches a worker that stopped answering.
        self.task_timeout = task_timeout or float(limits["notebook_timeout"]) + 900.0
        self.start_timeout = start_timeout
        self._ctx = worker_context()
        self._workers: list[_Worker] = []
        self._failed_starts = 0

    def run(
        self,
        tasks: Iterator[Task | _Idle],
        on_outcome: Callable[[Task, dict[str, Any]], None],
        wakeup: socket.socket | None = None,
    ) -> None:
        """Grade every task; call `on_outcome(task, {"result": json} | {"error": line})` in this
        process as each one finishes.

        A long-lived source (the submission server's queue) yields `IDLE` when it has nothing
        now, and ends when it should stop; a byte on `wakeup` says it has something again, so
        a new submission does not wait for the next one-second poll."""
        owned = not self._workers  # a pool started by `with` outlives this run
        if owned:
            self.start()
        started = time.monotonic()
        exhausted = False
        try:
            while True:
                for worker in self._workers:
                    if worker.ready and worker.task is None and not exhausted:
                        task = next(tasks, None)
                        if task is IDLE:
                            break  # nothing to grade now; ask again after the wait below
                        if task is None:
                            exhausted = True
                        else:
                            worker.send(task, self.task_timeout)
                busy = any(w.task is not None for w in self._workers)
                if exhausted and not busy:
                    return
                if not any(w.ready for w in self._workers):
                    if time.monotonic() - started > self.start_timeout:
                        raise PoolProblem(
                            f"no grader worker started within {self.start_timeout:g} s"
                        )
                ready = wait(
                    [w.conn for w in self._workers]
                    + [w.process.sentinel for w in self._workers]
                    + ([wakeup] if wakeup is not None else []),
                    timeout=1.0,
                )
                if wakeup is not None and wakeup in ready:
                    _drain(wakeup)
                for index, worker in enumerate(list(self._workers)):
                    if worker.conn in ready or worker.process.sentinel in ready:
                        self._service(index, worker, on_outcome)
                    elif worker.task is not None and time.monotonic() > worker.deadline:
                        worker.process.kill()
                        self._replace(
                            index,
                            worker,
                            on_outcome,
                            f"no answer from the grader within {self.task_timeout:g} s; its worker was stopped",
                        )
        finally:
            if owned:
                self.close()

    def start(self) -> None:
        """Start the workers (they warm up in parallel; `run` hands out work as each is ready)."""
        if not self._workers:
            self._workers = [_Worker(self._ctx, self.config, slot) for slot in range(self.size)]

    def close(self) -> None:
        for worker in self._workers:
            worker.hang_up()  # all at once: they stop their engines in parallel
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _service(
        self, index: int, worker: _Worker, on_outcome: Callable[[Task, dict[str, Any]], None]
    ) -> None:
        # Read what the worker said before deciding it died: it may have answered, then exited.
        try:
            while worker.conn.poll():
                message = json.loads(worker.conn.recv_bytes())
                if "fatal" in message:
                    self._failed_starts += 1
                    if message.get("usage"):
                        raise PoolProblem(message["fatal"], usage=True)
                    if self._failed_starts >= 2 * self.size + 1 or not any(
                        w.ready for w in self._workers
                    ):
                        raise PoolProblem(f"a grader worker cannot start: {message['fatal']}")
                elif message.get("ready"):
                    worker.ready = True
                elif worker.task is not None and message.get("task_id") == worker.task.task_id:
                    task, worker.task = worker.task, None
                    on_outcome(task, message)
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            worker.process.join(timeout=1)
            self._replace(
                index,
                worker,
                on_outcome,
                f"the grader's worker process died while grading this submission (exit code {worker.process.exitcode})",
            )

    def _replace(
        self,
        index: int,
        worker: _Worker,
        on_outcome: Callable[[Task, dict[str, Any]], None],
        reason: str,
    ) -> None:
        task, worker.task = worker.task, None
        worker.stop()
        if not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= 2 * self.size + 1:
                raise PoolProblem(
                    f"grader workers keep dying at start (last exit code {worker.process.exitcode})"
                )
        self._workers[index] = _Worker(self._ctx, self.config, index)
        if task is not None:
            on_outcome(task, outcome_error(f"{task.label}: {reason}"))
