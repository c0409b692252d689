"""Grade on a Dask distributed cluster: `--cluster local` (a LocalCluster on this machine) or
`--cluster tcp://HOST:8786` (an existing scheduler).

Each Dask worker keeps its own warm engine in a module-level cache (one per grading config),
closed by a worker plugin at shutdown. Tasks return plain JSON text; the parent (the client)
is the only process that writes the gradebook. The bank must be installed on every worker at
the same path (`--bank`), or be the package's default bank.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from .pool import PoolProblem, Task
from .worker import GradeConfig, WorkerGrader, outcome_error

_GRADERS: dict[str, WorkerGrader] = {}


def grade_on_worker(
    config: dict[str, Any], label: str, data: bytes, student: str | None = None
) -> dict[str, Any]:
    """The Dask task: grade one submission with this worker's warm engine."""
    cfg = GradeConfig(**config)
    grader = _GRADERS.get(cfg.key())
    if grader is None:
        grader = _GRADERS[cfg.key()] = WorkerGrader(cfg)
    return grader.grade(label, data, student)


class CloseEngines(WorkerPlugin):
    """Worker plugin: stop the cached engines (their zygotes) when the worker shuts down."""

    name = "d2l-grader-engines"

    def setup(self, worker: Any) -> None:
        pass

    def teardown(self, worker: Any) -> None:
        while _GRADERS:
            _key, grader = _GRADERS.popitem()
            grader.close()


def run_on_dask(
    address: str,
    workers: int,
    config: GradeConfig,
    tasks: Iterator[Task],
    on_outcome: Callable[[Task, dict[str, Any]], None],
) -> None:
    from ..grade import StrictIsolation  # here: the batch parent imports torch only if it must

    cluster = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # one submission at a time per worker, like the local pool
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="10s")
        except OSError as exc:
            raise PoolProblem(
                f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                "`dask scheduler` or use --cluster local",
                usage=True,
            ) from None
    try:
        client.register_plugin(CloseEngines(), name=CloseEngines.name)
        slots = max(1, sum(client.nthreads().values()))
        limit = 2 * slots  # a bounded queue keeps memory flat on long batches
        pending = as_completed()
        in_flight: dict[str, Task] = {}

        def submit_next() -> bool:
            task = next(tasks, None)
            if task is None:
                return False
            future = client.submit(
                grade_on_worker,
                _config_dict(config),
                task.label,
                task.data,
                task.student,
                pure=False,
            )
            in_flight[future.key] = task
            pending.add(future)
            return True

        while len(in_flight) < limit and submit_next():
            pass
        for future in pending:
            task = in_flight.pop(future.key)
            try:
                outcome = future.result()
            except StrictIsolation as exc:  # the options cannot be met there: stop, grade nothing
                raise PoolProblem(str(exc), usage=True) from None
            except Exception as exc:  # a worker died or the task could not run there
                outcome = outcome_error(
                    f"{task.label}: the Dask worker failed: {type(exc).__name__}: {exc}"
                )
            future.release()
            on_outcome(task, outcome)
            while len(in_flight) < limit and submit_next():
                pass
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _config_dict(config: GradeConfig) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(config)
