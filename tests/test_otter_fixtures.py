"""otter-grader's own test fixtures, graded by otter and by us: every per-question score equal.

The fixtures (tests/otter_fixtures/, from otter-grader v7.0.0, BSD-3) were written by otter's
developers, not by us: `test_grade`'s 14 notebooks and tests, `test_run`'s submission, and the
two `test_assign` master notebooks. Each assignment is built here the way a course builds it
(`otter generate` for a tests folder, `otter assign` for a master notebook), imported with
`grader import otter`, and every submission is graded by otter (`otter.api.grade_submission`,
which is what `otter run` runs) and by our fork engine. For the `test_assign` masters the
submissions are otter's solution (autograder) notebook, its student template, and a partial
answer made from the solution (the `# SEED` lines gone, two answers wrong), which tests the
intercell seed.

What the fixtures need from us (docs/otter.md): questions graded where their `grader.check`
cell stands (they reuse `x` across questions), otter's intercell seed, a 0-point test, and
cases that use builtins on the student's objects (`next(fiberator())`) run in the sandbox.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml

from grader.bank.loader import load_bank
from grader.grade import grade_submission, plan_devices, validate_result
from grader.otter.importer import import_otter
from grader.submission import load_submission

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "otter_fixtures"
OTTER = str(Path(sys.executable).with_name("otter"))

# One process per worker grades its share of the notebooks with otter's own API (a kernel per
# notebook, as `otter run`), printing one JSON line per notebook: {test name: score}.
OTTER_GRADER = """
import json, sys
from otter.api import grade_submission
zip_path, paths = sys.argv[1], sys.argv[2:]
for path in paths:
    results = grade_submission(path, ag_path=zip_path, quiet=True)
    print(json.dumps({name: round(float(t.score), 5) for name, t in results.results.items()}))
"""


def _run(*command: str, cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])


def otter_generate(tests: Path, config: dict, work: Path) -> Path:
    """An autograder zip from a tests folder and an otter_config.json, as `otter generate`."""
    work.mkdir(parents=True)
    shutil.copytree(tests, work / "tests")
    (work / "otter_config.json").write_text(json.dumps(config))
    _run(OTTER, "generate", cwd=work)
    return work / "autograder.zip"


def otter_assign(master: str, work: Path) -> tuple[Path, Path, Path]:
    """(autograder zip, solution notebook, student template) of a test_assign master."""
    shutil.copytree(FIXTURES / "test_assign", work)
    _run(OTTER, "assign", "--no-run-tests", "--no-pdfs", master, "dist", cwd=work)
    (zip_path,) = (work / "dist" / "autograder").glob("*.zip")
    return zip_path, work / "dist" / "autograder" / master, work / "dist" / "student" / master


def partial_answer(solution: Path, out: Path) -> Path:
    """The solution without its `# SEED` lines (a student who does not seed), `x` a float and
    `square` off by one: wrong on q1 and q3, right on q8 only through otter's intercell seed."""
    notebook = nbformat.read(solution, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.split("\n") if "# SEED" not in line]
        cell.source = (
            "\n".join(lines).replace("x = 2", "x = 2.0").replace("return y", "return y + 1")
        )
    nbformat.write(notebook, out)
    return out


def otter_scores(zip_path: Path, notebooks: list[Path]) -> list[dict[str, float]]:
    halves = [notebooks[0::2], notebooks[1::2]]

    def grade(paths: list[Path]) -> list[dict[str, float]]:
        if not paths:
            return []
        done = subprocess.run(
            [sys.executable, "-c", OTTER_GRADER, str(zip_path), *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        assert len(lines) == len(paths), done.stdout[-3000:]
        return [json.loads(line) for line in lines]

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(grade, halves)
    scores: list[dict[str, float]] = []
    for index in range(len(notebooks)):
        scores.append((first if index % 2 == 0 else second)[index // 2])
    return scores


@pytest.fixture(scope="module")
def fixture_sets(tmp_path_factory):
    """{assignment: (autograder zip, [submissions])}: the fixtures built as a course builds them."""
    work = tmp_path_factory.mktemp("otter-fixtures")
    grade_dir = FIXTURES / "test_grade"
    run_dir = FIXTURES / "test_run"
    run_config = json.loads((run_dir / "otter_config.json").read_text())
    # Its plugin (RateLimiting) asks Gradescope's API, with the fixture's token, how often the
    # student submitted; nothing here can reach it, and it does not change a score.
    run_config.pop("plugins")
    sets = {
        "grade": (
            otter_generate(
                grade_dir / "tests",
                json.loads((grade_dir / "otter_config.json").read_text()),
                work / "grade",
            ),
            sorted((grade_dir / "notebooks").glob("*.ipynb")),
        ),
        "run": (
            otter_generate(run_dir / "tests", run_config, work / "run"),
            sorted((run_dir / "submission").glob("*.ipynb")),
        ),
    }
    for name, master in (("example", "example.ipynb"), ("exception", "exception-example.ipynb")):
        zip_path, solution, template = otter_assign(master, work / name)
        partial = partial_answer(solution, work / name / f"partial-{master}")
        sets[name] = (zip_path, [solution, template, partial])
    return sets


@pytest.fixture(scope="module")
def graded(fixture_sets, fork_engine, tmp_path_factory):
    """Per submission: (assignment, notebook, otter's scores, our scores, our result)."""
    bank_root = tmp_path_factory.mktemp("bank") / "bank"
    bank_root.mkdir()
    shutil.copy(ROOT / "bank" / "topics.yaml", bank_root / "topics.yaml")
    for name, (zip_path, _) in fixture_sets.items():
        import_otter(zip_path, name, bank_root)
    bank, problems = load_bank(bank_root)
    assert problems == []
    rows = []
    for name, (zip_path, notebooks) in fixture_sets.items():
        for notebook, theirs in zip(notebooks, otter_scores(zip_path, notebooks), strict=True):
            result = grade_submission(
                load_submission(notebook), bank, name, fork_engine, None, plan_devices("cpu")
            )
            validate_result(result)
            ours = {
                q["id"].removeprefix(f"{name}-"): round(q["score"], 5) for q in result["questions"]
            }
            rows.append((name, notebook.name, theirs, ours, result))
    return {"rows": rows, "bank": bank, "bank_root": bank_root}


def test_every_per_question_score_equals_otters(graded):
    rows = graded["rows"]
    assert len(rows) == 14 + 1 + 3 + 3
    differences = [
        f"{name}/{notebook}: otter {theirs}, ours {ours}"
        for name, notebook, theirs, ours, _ in rows
        if theirs != ours
    ]
    assert differences == []


def test_the_fixtures_can_tell_graders_apart(graded):
    """The comparison is not vacuous: the submissions' scores differ from one another and from
    full marks, on most questions (a grader scoring everything 0 or full could not pass)."""
    totals = {
        (name, notebook): sum(theirs.values()) for name, notebook, theirs, _, _ in graded["rows"]
    }
    assert len(set(totals.values())) >= 6
    varied = {
        (name, question)
        for name, _, theirs, _, _ in graded["rows"]
        for question, score in theirs.items()
        if any(other[2].get(question) != score for other in graded["rows"] if other[0] == name)
    }
    assert len(varied) >= 10


def test_questions_that_reuse_a_name_are_graded_at_their_check_cell(graded):
    """q3 (`x = True`), q4 (`x = 39.0625`) and q5 (`x = np.linspace(...)`) all name `x`: at the
    end of the notebook `x` is q5's array, which fails q3 and q4."""
    passes_all = next(row for row in graded["rows"] if row[1] == "passesAll.ipynb")
    assert passes_all[3]["q3"] == 2.0 and passes_all[3]["q4"] == 1.0
    assert passes_all[2] == passes_all[3]
    question = graded["bank"].questions["grade-q3"]
    assert question.graded_at == "check"
    # the snapshot is only used for questions whose check cell the notebook has
    assert question.check_name == "q3" and question.snapshot_names == ["x"]


def test_intercell_seed_is_imported_and_honoured(graded):
    bank_root = graded["bank_root"]
    exception = yaml.safe_load((bank_root / "assignments" / "exception.yaml").read_text())
    example = yaml.safe_load((bank_root / "assignments" / "example.yaml").read_text())
    assert exception["intercell_seed"] == {"seed": 42, "variable": None}
    assert example["intercell_seed"] == {"seed": 42, "variable": "a_nonexistent_variable"}
    partial = next(row for row in graded["rows"] if row[1] == "partial-exception-example.ipynb")
    # q8's hidden case compares z with numpy's numbers for seed 42: only the seed makes it pass
    assert partial[2]["q8"] == partial[3]["q8"] == 1.0
    assert partial[3]["q1"] == 0.0 and partial[3]["q3"] == 0.0


def test_a_zero_point_test_is_a_zero_point_question(graded):
    question = graded["bank"].questions["grade-q1"]
    assert question.points == 0
    result = graded["rows"][0][4]
    q1 = next(q for q in result["questions"] if q["id"] == "grade-q1")
    assert q1["max_score"] == 0 and len(q1["checks"]) == 4


def test_cases_needing_the_students_objects_run_in_the_sandbox_and_say_so(graded):
    cases = graded["bank"].questions["grade-q6"].otter["cases"]
    assert [c["runs_in"] for c in cases] == ["sandbox", "sandbox"]
    assert all(c["foolable"] and "`next`" in c["why"] for c in cases)
    # and they are graded as otter grades them: passesAll earns q6's 5 points, fails6 none
    scores = {row[1]: row[3]["q6"] for row in graded["rows"] if row[0] == "grade"}
    assert scores["passesAll.ipynb"] == 5.0 and scores["fails6.ipynb"] < 5.0


def test_a_failing_import_in_a_case_names_the_students_exception(graded):
    result = next(row for row in graded["rows"] if row[1] == "passesAll.ipynb")[4]
    q7 = next(q for q in result["questions"] if q["id"] == "grade-q7")
    (check,) = q7["checks"]
    if check["status"] == "passed":  # tqdm is installed here; nothing to see
        pytest.skip("tqdm is importable on this machine")
    assert "ModuleNotFoundError" in check["message"] and "RuntimeError" not in check["message"]
