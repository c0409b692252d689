"""CPU per submission on a warm engine, split between the judge and the sandbox.

Grades preliminaries-core's reference notebook (or `--notebook`) `--n` times with one batch-mode Grader (as a
`grader batch` worker does) after a few warm-up gradings, and prints, per submission: the wall
time, the judge's CPU (this process) and the sandbox's CPU (the zygote and its reaped children,
read with psutil). Two cores at 100 % give 2000 ms of CPU per second: 40 submissions/s needs at
most 50 ms per submission in all.

    python bench/cpu_per_submission.py [--n 40] [--notebook NB]
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument(
        "--notebook", type=Path, default=ROOT / "solutions/preliminaries-core.ipynb"
    )
    args = parser.parse_args()
    submission = load_submission(args.notebook)
    with Grader(None, "preliminaries-core", batch=True) as grader:
        for _ in range(5):
            grader.grade(submission)
        launcher = psutil.Process(grader.engine.process.pid)  # bubblewrap, or the zygote
        tree = [launcher, *launcher.children(recursive=True)]
        zygote = max(tree, key=lambda p: p.memory_info().rss)  # torch lives there
        judge0, sandbox0, wall0 = time.process_time(), sandbox_cpu(zygote), time.perf_counter()
        for _ in range(args.n):
            grader.grade(submission)
        wall = (time.perf_counter() - wall0) / args.n * 1000
        judge = (time.process_time() - judge0) / args.n * 1000
        sandbox = (sandbox_cpu(zygote) - sandbox0) / args.n * 1000
    print(f"{args.n} gradings of {args.notebook.name} (preliminaries-core), per submission:")
    print(f"  wall {wall:.1f} ms; CPU: judge {judge:.1f} ms + sandbox {sandbox:.1f} ms")
    print(f"  = {judge + sandbox:.1f} ms: two cores grade at most {2000 / (judge + sandbox):.1f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
