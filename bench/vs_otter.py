"""Time per submission: `otter run` against `grader` on the same otter assignment, side by side.

Builds the two-question assignment of tests/test_otter.py with `otter assign`, and otter's own
`test_grade` fixtures with `otter generate`, imports both, then grades the same submissions with
both graders, alternating, and prints the median seconds per submission of each and their ratio,
for each of the two. Our fork engine is started once (its start is printed
apart), as `grader batch` does; each `otter run` starts its own kernel, as otter does.

Then the cold path, one notebook from a fresh command, as a student's CI job or a teacher pays
it: `grader grade` on the imported two-question assignment beside `otter run` on the same
notebook, beside a bare `python -c "import torch"`, and `grader grade` on preliminaries-core's
reference notebook; interleaved, `--cold` rounds, medians and ratios printed.
`--grader-root DIR` runs the cold `grader grade` from another checkout (a "before" figure).

    python bench/vs_otter.py [--runs 5] [--cold 5] [--grader-root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
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


def timed(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    """Wall seconds of one command, which must succeed."""
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed ({done.returncode}): {done.stderr[-1500:]}")
    return seconds


def cold_side_by_side(
    rounds: int, grader_root: Path, bank_root: Path, otter_zip: Path, otter_notebook: Path
) -> None:
    """One notebook from a fresh process each time: ours, otter's, a bare torch import."""
    env = {**os.environ, "PYTHONPATH": str(grader_root)}
    grader = [sys.executable, "-m", "grader.cli"]
    commands = {
        "python -c 'import torch'": ([sys.executable, "-c", "import torch"], None),
        "grader grade (otter assignment)": (
            [*grader, "--bank", str(bank_root), "grade", str(otter_notebook), "--assignment", "hw"],
            env,
        ),
        "otter run (same notebook)": (None, None),
        "grader grade (preliminaries-core)": (
            [
                *grader,
                "grade",
                str(grader_root / "solutions/preliminaries-core.ipynb"),
                "--assignment",
                "preliminaries-core",
            ],
            env,
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (argv, command_env) in commands.items():
            if argv is None:
                started = time.perf_counter()
                shutil.rmtree(otter_notebook.with_suffix(".otter"), ignore_errors=True)
                otter_run(otter_zip, otter_notebook)
                times[name].append(time.perf_counter() - started)
            else:
                # From the checkout measured: `python -m` puts the working folder first.
                times[name].append(timed(argv, command_env, cwd=grader_root))
    print(
        f"cold, one notebook from a fresh command ({rounds} rounds, interleaved; grader from {grader_root}):"
    )
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:36} median {medians[name]:.2f} s   ({runs})")
    torch_s = medians["python -c 'import torch'"]
    ours = medians["grader grade (otter assignment)"]
    print(
        f"  otter run / grader grade (otter assignment):  {medians['otter run (same notebook)'] / ours:.2f}x"
    )
    print(f"  grader grade (otter assignment) / import torch: {ours / torch_s:.2f}x (target <= 2)")
    core = medians["grader grade (preliminaries-core)"]
    print(f"  grader grade (preliminaries-core) / import torch: {core / torch_s:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="submissions graded by each (default 5)"
    )
    parser.add_argument(
        "--cold", type=int, default=5, help="rounds of the cold one-notebook comparison (default 5)"
    )
    parser.add_argument(
        "--grader-root",
        type=Path,
        default=ROOT,
        help="the checkout whose `grader grade` the cold rounds run (default: this one)",
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
        if args.cold:
            cold_side_by_side(args.cold, args.grader_root.resolve(), bank_root, zip_path, paths[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
