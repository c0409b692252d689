"""Time per submission: `otter run` against `grader` on the same otter assignment, side by side.

Builds the two-question assignment of tests/test_otter.py with `otter assign`, imports it, then
grades the same submissions with both, alternating, and prints the median seconds per
submission of each and their ratio. Our fork engine is started once (its start is printed
apart), as `grader batch` does; each `otter run` starts its own kernel, as otter does.

    python bench/vs_otter.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from grader.bank.loader import load_bank  # noqa: E402
from grader.grade import grade_submission, plan_devices  # noqa: E402
from grader.otter.importer import import_otter  # noqa: E402
from grader.sandbox import make_engine  # noqa: E402
from grader.submission import load_submission  # noqa: E402
from tests.test_otter import (  # noqa: E402
    SUBMISSIONS,
    empty_bank,
    master_notebook,
    otter_assign,
    otter_run,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="submissions graded by each (default 5)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        master = work / "hw.ipynb"
        nbformat.write(master_notebook(), master)
        zip_path = otter_assign(master, work / "dist")
        bank_root = empty_bank(work / "bank")
        import_otter(zip_path, "hw", bank_root)
        bank, problems = load_bank(bank_root)
        assert not problems, problems
        solution = nbformat.read(work / "dist" / "autograder" / "hw.ipynb", as_version=4)
        names = [n for n in SUBMISSIONS if n != "cheat"]
        paths = []
        for index in range(args.runs):
            notebook = nbformat.from_dict(solution)
            cells = [
                c for c in notebook.cells if c.cell_type == "code" and "check(" not in c.source
            ]
            for cell_index, source in SUBMISSIONS[names[index % len(names)]].items():
                cells[cell_index].source = source
            path = work / f"s{index}.ipynb"
            nbformat.write(notebook, path)
            paths.append(path)

        started = time.perf_counter()
        engine = make_engine("fork")
        engine.isolation()
        engine_start = time.perf_counter() - started
        ours, theirs = [], []
        try:
            for path in paths:
                started = time.perf_counter()
                grade_submission(
                    load_submission(path), bank, "hw", engine, None, plan_devices("cpu")
                )
                ours.append(time.perf_counter() - started)
                started = time.perf_counter()
                otter_run(zip_path, path)
                theirs.append(time.perf_counter() - started)
        finally:
            engine.close()
    our_median, their_median = statistics.median(ours), statistics.median(theirs)
    print(f"submissions: {len(paths)} (each graded by both, alternating)")
    print(
        f"grader (fork engine, started once in {engine_start:.2f} s): {our_median:.3f} s/submission"
    )
    print(f"otter run:                                  {their_median:.3f} s/submission")
    print(f"ratio otter/grader: {their_median / our_median:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
