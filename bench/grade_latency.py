"""Median time per submission, measured side by side in one run on this machine:

- bare:   a process that already imported torch execs the same cells (no sandbox, no checks
          through RPC: it calls the student's functions directly, as a floor);
- fork:   `grader grade`'s warm fork engine (zygote + bubblewrap when available), full grading;
- kernel: the nbclient kernel engine, full grading;
- judge only: the same full grading with no sandbox at all (cells and checks in this process),
          to show how much of the fork engine's time is the checks themselves.

Prints the ratios, and the fork engine's overhead over the bare baseline (target: <= 50 ms on
preliminaries-core). Usage: python bench/grade_latency.py [--runs N] [--kernel-runs K]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from grader.bank.loader import load_bank
from grader.grade import grade_submission, plan_devices
from grader.sandbox.base import Limits
from grader.sandbox.forkengine import ForkEngine
from grader.sandbox.inprocess import InProcessEngine
from grader.sandbox.kernelengine import KernelEngine
from grader.submission import load_submission

ROOT = Path(__file__).resolve().parents[1]
SUBMISSION = ROOT / "solutions/preliminaries-core.ipynb"


def bare_run(cells: list[str]) -> None:
    """Exec the cells in a fresh namespace of this (torch-importing) process, with IPython."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns.clear()
    for source in cells:
        shell.run_cell(source, store_history=False, silent=True)


def median_time(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--kernel-runs", type=int, default=3)
    args = parser.parse_args()
    bank, _ = load_bank()
    submission = load_submission(SUBMISSION)
    cells = [source for _, source in submission.code_cells]
    devices = plan_devices("cpu")
    limits = Limits()

    import otter  # noqa: F401 - the bare baseline gets the same preloaded modules as the zygote
    import torch  # noqa: F401

    bare_run(cells)  # warm
    bare = median_time(lambda: bare_run(cells), args.runs)

    with InProcessEngine() as inprocess:
        grade_submission(submission, bank, "preliminaries-core", inprocess, limits, devices)
        judge_time = median_time(
            lambda: grade_submission(
                submission, bank, "preliminaries-core", inprocess, limits, devices
            ),
            args.runs,
        )

    with ForkEngine() as fork:
        grade_submission(submission, bank, "preliminaries-core", fork, limits, devices)  # warm
        fork_time = median_time(
            lambda: grade_submission(submission, bank, "preliminaries-core", fork, limits, devices),
            args.runs,
        )
        isolation = fork.isolation().mechanism

    with KernelEngine() as kernel:
        kernel_time = median_time(
            lambda: grade_submission(
                submission, bank, "preliminaries-core", kernel, limits, devices
            ),
            args.kernel_runs,
        )

    print(
        f"submission: {SUBMISSION.relative_to(ROOT)} ({len(cells)} code cells), assignment preliminaries-core"
    )
    print(f"bare exec in a warm process : {bare * 1000:8.1f} ms (median of {args.runs})")
    print(
        f"fork engine ({isolation:5}), graded: {fork_time * 1000:8.1f} ms (median of {args.runs})"
    )
    print(
        f"kernel engine, graded       : {kernel_time * 1000:8.1f} ms (median of {args.kernel_runs})"
    )
    print(f"no sandbox, graded          : {judge_time * 1000:8.1f} ms (median of {args.runs})")
    print(f"fork overhead over bare     : {(fork_time - bare) * 1000:8.1f} ms  (target <= 50 ms)")
    print(
        f"  of which the checks alone : {(judge_time - bare) * 1000:8.1f} ms  (no sandbox - bare)"
    )
    print(
        f"  of which the sandbox      : {(fork_time - judge_time) * 1000:8.1f} ms  (fork - no sandbox)"
    )
    print(f"kernel / fork               : {kernel_time / fork_time:8.1f}x")
    print(f"fork / bare                 : {fork_time / bare:8.1f}x")


if __name__ == "__main__":
    main()
