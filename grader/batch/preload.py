"""What the batch's worker server imports once, before it forks each grader worker.

`pool.WorkerPool` starts its workers from multiprocessing's fork server: one process, spawned
clean, that imports this module and then forks every worker. So torch, the grader and the
sympy that `torch.broadcast_shapes` pulls in are imported once per batch instead of once per
worker (~2 CPU-seconds each, measured in docs/performance.md), and each worker starts with them
already in its memory, shared with its siblings until written.

Nothing imported here may start a thread (a lock one holds when the server forks would stay
held in the worker) or initialise CUDA (a forked worker could not use it). The one other thread
after these imports is OpenBLAS's pool, which numpy's import starts and which stops itself
around each fork, as in the sandbox's zygote; tests/test_batch.py checks there is no more.
Student code is never run here or in the workers; it runs only in each worker's sandbox.
"""

from __future__ import annotations

import torch.fx.experimental.symbolic_shapes  # noqa: F401  (grade.JUDGE_LAZY_IMPORTS)

from ..grade import Grader  # noqa: F401  (torch, the judge, the sandbox's judge side)
from . import pool, worker  # noqa: F401  (what each worker runs)
