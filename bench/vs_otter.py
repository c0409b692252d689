"""Time per submission: `otter run` against `grader` on the same otter assignment, side by side.

Builds the two-question assignment of tests/test_otter.py with `otter assign`, and otter's own
`test_grade` fixtures with `otter generate`, imports both, then grades the same submissions with
both graders, alternating, and prints the median seconds per submission of each and their ratio,
for each of the two. Our fork engine is started once (its start is printed
apart), as `grader batch` does; each `otter run` starts its own kernel, as otter does.

    python bench/vs_otter.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
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
from tests.test_otter_fixtures import FIXTURES, otter_generate  # noqa: E402


def side_by_side(bank, assignment: str, zip_path: Path, paths: list[Path], engine) -> tuple:
    """Median seconds per submission of ours and of `otter run`, graded alternately."""
    ours, theirs = [], []
    for path in paths:
        started = time.perf_counter()
        grade_submission(load_submission(path), bank, assignment, engine, None, plan_devices("cpu"))
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        otter_run(zip_path, path)
        theirs.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(theirs)


def report(title: str, count: int, ours: float, theirs: float) -> None:
    print(f"{title}: {count} submissions, each graded by both, alternating")
    print(f"  grader (fork engine): {ours:.3f} s/submission")
    print(f"  otter run:            {theirs:.3f} s/submission")
    print(f"  ratio otter/grader:   {theirs / ours:.1f}x")


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
        # otter's own fixtures (tests/otter_fixtures/test_grade): 7 tests, 14 notebooks
        fixtures = FIXTURES / "test_grade"
        fixtures_zip = otter_generate(
            fixtures / "tests",
            json.loads((fixtures / "otter_config.json").read_text()),
            work / "fixtures",
        )
        import_otter(fixtures_zip, "fixtures", bank_root)
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
        fixture_paths = []
        for index, notebook in enumerate(sorted((fixtures / "notebooks").glob("*.ipynb"))):
            if index >= args.runs:
                break
            fixture_paths.append(Path(shutil.copy(notebook, work / f"f{index}.ipynb")))

        started = time.perf_counter()
        engine = make_engine("fork")
        engine.isolation()
        print(
            f"fork engine started once, as `grader batch` does: {time.perf_counter() - started:.2f} s"
        )
        try:
            report(
                "our test assignment",
                len(paths),
                *side_by_side(bank, "hw", zip_path, paths, engine),
            )
            report(
                "otter's test_grade fixtures",
                len(fixture_paths),
                *side_by_side(bank, "fixtures", fixtures_zip, fixture_paths, engine),
            )
        finally:
            engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
