"""CPU per submission on a warm engine, split between the judge and the sandbox.

Grades preliminaries-core's reference notebook (or `--notebook`) `--n` times with one batch-mode Grader (as a
`grader batch` worker does) after a few warm-up gradings, and prints, per submission: the wall
time, the judge's CPU (this process) and the sandbox's CPU (the zygote and its reaped children,
read with psutil). Two cores at 100 % give 2000 ms of CPU per second: 40 submissions/s needs at
most 50 ms per submission in all.

With `--calls N`, it also times N trivial calls into a sandbox (`f(x) = x * 2` on a 2x3
tensor) with this process, and so its sandbox, left on every CPU and pinned to one, alternately
(twice each): what `batch.pool.pin_to_one_cpu` saves per hand-over.

With `--floor`, pinned to one CPU as a batch worker is, it also measures what a submission
costs without any sandbox (the in-process engine: the same checks, agent and codec, in this
process) and what the sandbox costs with nothing graded (a child forked, one trivial cell, the
child killed and cleaned up), alternately with the sandboxed grading: the floor that forking one
process per submission sets (docs/performance.md).

    python bench/cpu_per_submission.py [--n 40] [--notebook NB] [--calls 2000] [--floor]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.grade import Grader  # noqa: E402
from grader.submission import load_submission  # noqa: E402


def sandbox_cpu(zygote: psutil.Process) -> float:
    """The zygote's CPU seconds and those of the children it has reaped."""
    times = zygote.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def call_cost(calls: int, pinned: bool) -> tuple[float, float]:
    """(judge, sandbox) CPU microseconds per trivial call, with a fresh batch-mode engine."""
    import torch

    from grader.sandbox import make_engine
    from grader.sandbox.base import Limits
    from grader.sandbox.inside import protocol

    every_cpu = os.sched_getaffinity(0)
    if pinned:
        os.sched_setaffinity(0, {min(every_cpu)})  # before the sandbox starts: it inherits it
    engine = make_engine("fork", batch=True)
    try:
        engine.isolation()
        session = engine.start_session(Limits())
        session.run_cell("def f(x):\n    return x * 2\n", 30)
        launcher = psutil.Process(engine.process.pid)
        sandbox = [p for p in [launcher, *launcher.children(recursive=True)] if p.name() != "bwrap"]
        header = {protocol.OP: protocol.CALL, "name": "f"}
        values = {"args": (torch.arange(6.0).reshape(2, 3),), "kwargs": {}}
        for _ in range(50):
            session.request(header, values, 30)

        def sandbox_cpu_now() -> float:
            return sum(sum(p.cpu_times()[:2]) for p in sandbox)

        judge0, sandbox0 = time.process_time(), sandbox_cpu_now()
        for _ in range(calls):
            session.request(header, values, 30)
        judge = (time.process_time() - judge0) / calls * 1e6
        in_sandbox = (sandbox_cpu_now() - sandbox0) / calls * 1e6
        session.close()
    finally:
        engine.close()
        os.sched_setaffinity(0, every_cpu)
    return judge, in_sandbox


def zygote_of(engine) -> psutil.Process:
    launcher = psutil.Process(engine.process.pid)  # bubblewrap, or the zygote
    tree = [launcher, *launcher.children(recursive=True)]
    return max(tree, key=lambda p: p.memory_info().rss)  # torch lives there


def grading_cpu(grader: Grader, submission, n: int) -> tuple[float, float, float]:
    """(wall, judge CPU, sandbox CPU) in ms per grading, over n gradings."""
    zygote = zygote_of(grader.engine) if grader.engine_name == "fork" else None
    judge0, wall0 = time.process_time(), time.perf_counter()
    sandbox0 = sandbox_cpu(zygote) if zygote else 0.0
    for _ in range(n):
        grader.grade(submission)
    wall = (time.perf_counter() - wall0) / n * 1000
    judge = (time.process_time() - judge0) / n * 1000
    sandbox = ((sandbox_cpu(zygote) - sandbox0) / n * 1000) if zygote else 0.0
    return wall, judge, sandbox


def session_cpu(engine, n: int) -> float:
    """CPU ms, judge and sandbox together, of a sandbox session that grades nothing."""
    from grader.sandbox.base import Limits

    zygote = zygote_of(engine)
    judge0, sandbox0 = time.process_time(), sandbox_cpu(zygote)
    for _ in range(n):
        session = engine.start_session(Limits())
        session.run_cell("x = 1", 30)
        session.close()
    return ((time.process_time() - judge0) + (sandbox_cpu(zygote) - sandbox0)) / n * 1000


def floor(submission, n: int, rounds: int = 3) -> None:
    """In-process grading, an empty sandbox session and the sandboxed grading, alternately."""
    every_cpu = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(every_cpu)})  # before the sandbox starts: it inherits it
    try:
        with (
            Grader(None, "preliminaries-core", batch=True) as forked,
            Grader(None, "preliminaries-core", engine="inprocess") as bare,
        ):
            for grader in (forked, bare):
                for _ in range(5):
                    grader.grade(submission)
            print(f"pinned to one CPU, {rounds} rounds of {n} each, CPU ms per submission:")
            for index in range(rounds):
                _, judge, _ = grading_cpu(bare, submission, n)
                session = session_cpu(forked.engine, n)
                _, fork_judge, fork_sandbox = grading_cpu(forked, submission, n)
                forked_total = fork_judge + fork_sandbox
                print(
                    f"  round {index + 1}: no sandbox {judge:.1f}; an empty sandbox session "
                    f"{session:.1f}; sandboxed {forked_total:.1f} (judge {fork_judge:.1f} + "
                    f"sandbox {fork_sandbox:.1f}): the sandbox adds {forked_total - judge:.1f}, "
                    f"of which {forked_total - judge - session:.1f} beyond its session"
                )
            print("  (40 submissions/s on two cores needs at most 50 ms per submission)")
    finally:
        os.sched_setaffinity(0, every_cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--calls", type=int, default=0, help="also time N calls, pinned or not")
    parser.add_argument(
        "--notebook", type=Path, default=ROOT / "solutions/preliminaries-core.ipynb"
    )
    parser.add_argument(
        "--floor", action="store_true", help="also the in-process and empty-session costs"
    )
    args = parser.parse_args()
    submission = load_submission(args.notebook)
    with Grader(None, "preliminaries-core", batch=True) as grader:
        for _ in range(5):
            grader.grade(submission)
        wall, judge, sandbox = grading_cpu(grader, submission, args.n)
    print(f"{args.n} gradings of {args.notebook.name} (preliminaries-core), per submission:")
    print(f"  wall {wall:.1f} ms; CPU: judge {judge:.1f} ms + sandbox {sandbox:.1f} ms")
    print(f"  = {judge + sandbox:.1f} ms: two cores grade at most {2000 / (judge + sandbox):.1f}/s")
    if args.calls and len(os.sched_getaffinity(0)) > 1:
        print(f"{args.calls} trivial calls into a sandbox, CPU microseconds per call:")
        for pinned in (False, True, False, True):
            judge_us, sandbox_us = call_cost(args.calls, pinned)
            label = "pinned to one CPU" if pinned else "on every CPU     "
            print(
                f"  {label}: judge {judge_us:.0f} + sandbox {sandbox_us:.0f} = "
                f"{judge_us + sandbox_us:.0f}"
            )
    if args.floor:
        floor(submission, args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
