"""Median time per submission, measured side by side in one run on this machine:

- bare:   a process that already imported torch execs every code cell, as Jupyter runs the
          notebook (no sandbox, no hidden checks: the `grader.check` cells run the public ones);
- bare, graded cells: the same without the `grader.check(...)` cells, which grading does not
          run (the judge runs their public checks itself): the cells the sandbox runs, so the
          overhead can be read both ways, against the notebook and like for like;
- fork:   `grader grade`'s warm fork engine (zygote + bubblewrap when available), full grading;
- kernel: the nbclient kernel engine, full grading;
- judge only: the same full grading with no sandbox at all (cells and checks in this process),
          to show how much of the fork engine's time is the checks themselves; and, from the
          results' timings, how long the cells (with the child's start) and the checks took in
          each.

The machine's speed drifts by 20 % over minutes (a shared VM), so bare, judge-only and fork
are measured in interleaved rounds: each round runs each of them once, after a short pause
that lets the previous fork grading's background work (the killed child's exit, the next
child's fork and warm-up) finish, so that it is charged to no measurement. The overhead is
given as the difference of the medians and as the median of the per-round differences.

Prints the ratios, and the fork engine's overhead over the bare baseline (target: <= 50 ms on
preliminaries-core). Usage: python bench/grade_latency.py [--runs N] [--kernel-runs K]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from grader.bank.loader import load_bank
from grader.execute import is_public_check_call
from grader.grade import grade_submission, plan_devices
from grader.sandbox.base import Limits
from grader.sandbox.forkengine import ForkEngine
from grader.sandbox.inprocess import InProcessEngine
from grader.sandbox.kernelengine import KernelEngine
from grader.submission import load_submission

ROOT = Path(__file__).resolve().parents[1]
SUBMISSION = ROOT / "solutions/preliminaries-core.ipynb"
PAUSE_S = 0.05


def bare_run(cells: list[str]) -> None:
    """Exec the cells in a fresh namespace of this (torch-importing) process, with IPython."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns.clear()
    for source in cells:
        shell.run_cell(source, store_history=False, silent=True)


def timed(function: Callable[[], object]) -> float:
    time.sleep(PAUSE_S)
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--kernel-runs", type=int, default=3)
    args = parser.parse_args()
    bank, _ = load_bank()
    submission = load_submission(SUBMISSION)
    cells = [source for _, source in submission.code_cells]
    graded_cells = [source for source in cells if not is_public_check_call(source)]
    devices = plan_devices("cpu")
    limits = Limits()

    import otter  # noqa: F401 - the bare baseline gets the same preloaded modules as the zygote
    import torch  # noqa: F401

    # Per graded run: the result's own timings (start and cells; checks), to show which phase
    # the sandbox makes slower.
    phases: dict[str, list[tuple[float, float]]] = {"judge": [], "fork": []}

    def grade(engine, phase: str | None = None) -> None:
        result = grade_submission(submission, bank, "preliminaries-core", engine, limits, devices)
        if phase is not None:
            timings = result["timings"]
            phases[phase].append((timings["execute_s"], timings["checks_s"]))

    times: dict[str, list[float]] = {"bare": [], "bare_graded": [], "judge": [], "fork": []}
    with ForkEngine() as fork, InProcessEngine() as inprocess:
        runs = {
            "bare": lambda: bare_run(cells),
            "bare_graded": lambda: bare_run(graded_cells),
            "judge": lambda: grade(inprocess, "judge"),
            "fork": lambda: grade(fork, "fork"),
        }
        for function in runs.values():  # warm: imports, caches, the first forked child
            function()
            function()
        for recorded in phases.values():
            recorded.clear()
        for _ in range(args.runs):
            for name, function in runs.items():
                times[name].append(timed(function))
        isolation = fork.isolation().mechanism

    with KernelEngine() as kernel:
        kernel_times = [timed(lambda: grade(kernel)) for _ in range(args.kernel_runs)]

    bare, bare_graded, judge_time, fork_time = (
        statistics.median(times[k]) for k in ("bare", "bare_graded", "judge", "fork")
    )
    kernel_time = statistics.median(kernel_times)
    paired = statistics.median(f - b for f, b in zip(times["fork"], times["bare"], strict=True))
    paired_graded = statistics.median(
        f - b for f, b in zip(times["fork"], times["bare_graded"], strict=True)
    )
    ms = 1000
    print(
        f"submission: {SUBMISSION.relative_to(ROOT)} ({len(cells)} code cells, "
        f"{len(graded_cells)} run by grading), "
        f"assignment preliminaries-core; {args.runs} interleaved rounds"
    )
    print(f"bare exec in a warm process : {bare * ms:8.1f} ms (median; every code cell)")
    print(f"  only the graded cells     : {bare_graded * ms:8.1f} ms (median)")
    print(f"fork engine ({isolation:5}), graded: {fork_time * ms:8.1f} ms (median)")
    print(
        f"kernel engine, graded       : {kernel_time * ms:8.1f} ms (median of {args.kernel_runs})"
    )
    print(f"no sandbox, graded          : {judge_time * ms:8.1f} ms (median)")
    print(
        f"fork overhead over bare     : {(fork_time - bare) * ms:8.1f} ms  (target <= 50 ms); "
        f"median of per-round differences {paired * ms:.1f} ms"
    )
    print(
        f"fork overhead, like for like: {(fork_time - bare_graded) * ms:8.1f} ms  (over bare "
        f"with the graded cells only); median of per-round differences {paired_graded * ms:.1f} ms"
    )
    print(
        f"  of which the checks alone : {(judge_time - bare_graded) * ms:8.1f} ms  "
        "(no sandbox - bare with the graded cells)"
    )
    print(
        f"  of which the sandbox      : {(fork_time - judge_time) * ms:8.1f} ms  (fork - no sandbox)"
    )
    (fork_cells, fork_checks), (judge_cells, judge_checks) = (
        (statistics.median(c for c, _ in phases[k]), statistics.median(c for _, c in phases[k]))
        for k in ("fork", "judge")
    )
    print(
        f"  by phase (medians)        : fork: start + cells {fork_cells * ms:.1f}, checks "
        f"{fork_checks * ms:.1f} ms; no sandbox: cells {judge_cells * ms:.1f}, checks "
        f"{judge_checks * ms:.1f} ms"
    )
    print(f"kernel / fork               : {kernel_time / fork_time:8.1f}x")
    print(f"fork / bare                 : {fork_time / bare:8.1f}x")


if __name__ == "__main__":
    main()
