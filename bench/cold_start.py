"""Where a cold one-notebook `grader grade` spends its time, on this machine, now.

Prints three things, measured in one run:

- the wall time of `grader grade` (a fresh process) beside a bare `python -c "import torch"`,
  interleaved, `--runs` each, medians and ratio;
- the sandbox's start, phase by phase, as a lean zygote reports it (the `phases` of the fork
  engine's ready message: the sandbox and Python's start, torch, what the notebook imports,
  the shell, the warm-up cells, the first fork);
- the grading process's own imports, from `python -X importtime`: the biggest top-level ones.

    python bench/cold_start.py [--runs 3] [--notebook solutions/preliminaries-core.ipynb]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GRADE = [sys.executable, "-m", "grader.cli", "grade"]


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:5])} failed: {done.stderr[-1500:]}")
    return seconds


def zygote_phases(notebook: Path) -> dict[str, float]:
    """The phases a lean zygote reports for this notebook (started as `grader grade` does)."""
    from grader.execute import cells_to_run
    from grader.sandbox import make_engine
    from grader.submission import load_submission

    cells = cells_to_run(load_submission(notebook).code_cells)
    started = time.perf_counter()
    engine = make_engine("fork", one_notebook=cells)
    try:
        engine.isolation()  # waits until it is ready
        ready = time.perf_counter() - started
        phases = dict(engine.info.get("phases", {}))
    finally:
        engine.close()
    phases["(launch to ready, seen by the judge)"] = ready
    return phases


def top_imports(argv: list[str], count: int) -> list[tuple[float, str]]:
    """The slowest top-level imports of the grading process (cumulative seconds)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv[1:]], cwd=ROOT, capture_output=True, text=True
    )
    found = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match and len(match.group(2)) <= 1:  # top-level, or imported by one
            found.append((int(match.group(1)) / 1e6, match.group(3)))
    return sorted(found, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--notebook", type=Path, default=ROOT / "solutions/preliminaries-core.ipynb"
    )
    parser.add_argument("--assignment", default="preliminaries-core")
    args = parser.parse_args()
    grade = [*GRADE, str(args.notebook.resolve()), "--assignment", args.assignment]
    torch_s, grade_s = [], []
    for _ in range(args.runs):
        torch_s.append(wall([sys.executable, "-c", "import torch"]))
        grade_s.append(wall(grade))
    print(f"cold `grader grade` of {args.notebook.name} ({args.runs} runs, interleaved):")
    print(f"  python -c 'import torch': {', '.join(f'{s:.2f}' for s in torch_s)} s")
    print(f"  grader grade:             {', '.join(f'{s:.2f}' for s in grade_s)} s")
    ratio = statistics.median(grade_s) / statistics.median(torch_s)
    print(f"  median ratio grade / import torch: {ratio:.2f}x")
    print("the sandbox's start (a lean zygote, seconds):")
    for name, seconds in zygote_phases(args.notebook).items():
        print(f"  {name:38} {seconds:6.3f}")
    print("the grading process's slowest imports (cumulative seconds, -X importtime):")
    for seconds, module in top_imports(grade, 8):
        print(f"  {module:38} {seconds:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
