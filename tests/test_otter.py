"""otter-grader interop: import, export, and a differential test against `otter run` itself.

One otter assignment is built with `otter assign` (two questions, public and hidden cases, one
all_or_nothing, one case (a lambda) that only the sandbox can run), imported into a scratch bank, and the
same submissions are graded by `otter run` and by us. `otter run` takes seconds per submission,
so the four runs go in parallel, once per module.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from grader.authoring.verify import validate_bank
from grader.cli import main
from grader.grade import grade_submission, plan_devices, validate_result
from grader.otter.export import export_otter
from grader.otter.importer import (
    OtterImportError,
    import_otter,
    parse_test_file,
    read_test_sources,
)
from grader.otter.syntax import analyse_doctest, analyse_exception_case
from grader.submission import load_submission

ROOT = Path(__file__).resolve().parents[1]
OTTER = str(Path(sys.executable).with_name("otter"))


def _output(text: str) -> list:
    return [new_output("execute_result", data={"text/plain": text}, execution_count=1)]


def master_notebook() -> nbformat.NotebookNode:
    config = (
        "name: hw\ninit_cell: false\ncheck_all_cell: false\nexport_cell: false\nrun_tests: false\n"
    )
    cells = [
        new_raw_cell("# ASSIGNMENT CONFIG\n" + config),
        new_code_cell("import numpy as np"),
        new_raw_cell("# BEGIN QUESTION\nname: q1\npoints: 2\n"),
        new_markdown_cell("Write `double(x)`."),
        new_raw_cell("# BEGIN SOLUTION"),
        new_code_cell("def double(x):\n    return 2 * x  # SOLUTION"),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# BEGIN TESTS"),
        new_code_cell("double(3)", outputs=_output("6")),
        new_code_cell("# HIDDEN\ndouble(-4)", outputs=_output("-8")),
        new_code_cell(
            '""" # BEGIN TEST CONFIG\nhidden: true\npoints: 1\n""" # END TEST CONFIG\n'
            "np.allclose(double(np.arange(3)), np.array([0, 2, 4]))",
            outputs=_output("True"),
        ),
        new_code_cell(
            "# HIDDEN\nlist(map(lambda i: double(i), range(3)))", outputs=_output("[0, 2, 4]")
        ),
        new_raw_cell("# END TESTS"),
        new_raw_cell("# END QUESTION"),
        new_raw_cell("# BEGIN QUESTION\nname: q2\npoints: 3\nall_or_nothing: true\n"),
        new_raw_cell("# BEGIN SOLUTION"),
        new_code_cell("ANSWER = 42  # SOLUTION"),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# BEGIN TESTS"),
        new_code_cell("ANSWER", outputs=_output("42")),
        new_code_cell("# HIDDEN\nANSWER % 7 == 0", outputs=_output("True")),
        new_code_cell("# HIDDEN\nall(ANSWER % d == 0 for d in (2, 3, 7))", outputs=_output("True")),
        new_raw_cell("# END TESTS"),
        new_raw_cell("# END QUESTION"),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


# code cells of the solution notebook otter assign writes (check cells left out):
# 0 = imports, 1 = double, 2 = ANSWER
SUBMISSIONS = {
    "correct": {},
    "wrong": {1: "def double(x):\n    return x + 2", 2: "ANSWER = 41"},
    # q1: negative inputs wrong (1.5 of 2); q2: hidden case passes, public fails -> 0 (all_or_nothing)
    "mixed": {1: "def double(x):\n    return abs(2 * x)", 2: "ANSWER = 35"},
    # replaces otter's doctest runner inside the notebook, then answers q1 half right
    "cheat": {
        0: "import numpy as np\nimport otter.test_files.ok_test as _ok\n"
        '_ok.run_doctest = lambda *args, **kwargs: (True, "")',
        1: "def double(x):\n    return abs(2 * x)",
        2: "ANSWER = 1",
    },
}


def otter_assign(master: Path, dist: Path) -> Path:
    done = subprocess.run([OTTER, "assign", str(master), str(dist)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    (zip_path,) = (dist / "autograder").glob("*.zip")
    return zip_path


def otter_run(zip_path: Path, submission: Path) -> dict[str, float]:
    out = submission.with_suffix(".otter")
    out.mkdir()
    subprocess.run(
        [OTTER, "run", "-a", str(zip_path), "-o", str(out), str(submission)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: float(t["score"]) for t in tests if "score" in t}


def empty_bank(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "bank" / "topics.yaml", folder / "topics.yaml")
    return folder


@pytest.fixture(scope="module")
def otter_hw(tmp_path_factory):
    """The otter assignment, its import into a scratch bank, and otter's scores."""
    work = tmp_path_factory.mktemp("otter")
    master = work / "hw.ipynb"
    nbformat.write(master_notebook(), master)
    zip_path = otter_assign(master, work / "dist")
    bank_root = empty_bank(work / "bank")
    import_otter(zip_path, "hw", bank_root)
    solution = nbformat.read(work / "dist" / "autograder" / "hw.ipynb", as_version=4)
    code_cells = [c for c in solution.cells if c.cell_type == "code" and "check(" not in c.source]
    paths = {}
    for name, changes in SUBMISSIONS.items():
        notebook = nbformat.from_dict(solution)
        cells = [c for c in notebook.cells if c.cell_type == "code" and "check(" not in c.source]
        assert len(cells) == len(code_cells) == 3
        for index, source in changes.items():
            cells[index].source = source
        paths[name] = work / f"{name}.ipynb"
        nbformat.write(notebook, paths[name])
    with ThreadPoolExecutor(max_workers=4) as pool:
        otter_scores = dict(
            zip(paths, pool.map(lambda p: otter_run(zip_path, p), paths.values()), strict=True)
        )
    bank, problems = validate_bank(bank_root)
    assert problems == []
    return {
        "work": work,
        "zip": zip_path,
        "bank": bank,
        "bank_root": bank_root,
        "submissions": paths,
        "otter": otter_scores,
    }


def our_scores(otter_hw, fork_engine, path: Path) -> dict[str, float]:
    result = grade_submission(
        load_submission(path), otter_hw["bank"], "hw", fork_engine, None, plan_devices("cpu")
    )
    validate_result(result)
    return {q["id"].removeprefix("hw-"): q["score"] for q in result["questions"]}


EXCEPTION_CELLS = {
    "double(3)": "def test_double(double):\n    assert double(3) == 6",
    "# HIDDEN\ndouble(-4)": "# HIDDEN\ndef test_negative(double):\n    assert double(-4) == -8",
    '""" # BEGIN TEST CONFIG': '""" # BEGIN TEST CONFIG\nhidden: true\npoints: 1\n""" # END TEST CONFIG\n'
    "def test_array(double, np):\n"
    "    assert np.allclose(double(np.arange(3)), np.array([0, 2, 4]))",
    "# HIDDEN\nlist(map(": "# HIDDEN\ndef test_many(double):\n"
    "    assert list(map(lambda i: double(i), range(3))) == [0, 2, 4]",
    "ANSWER\n": "def test_answer(ANSWER):\n    assert ANSWER == 42",
    "# HIDDEN\nANSWER % 7": "# HIDDEN\ndef test_sevens(ANSWER):\n    assert ANSWER % 7 == 0",
    "# HIDDEN\nall(ANSWER": "# HIDDEN\ndef test_divisors(ANSWER):\n"
    "    assert all(ANSWER % d == 0 for d in (2, 3, 7))",
}

# objects that say yes to every comparison, and a patched np.allclose: fools otter's
# exception-based tests, which run in the student's namespace
RIGGED = {
    0: "import numpy as np\nnp.allclose = lambda *args, **kwargs: True\n"
    "class _Yes(int):\n"
    "    def __eq__(self, other):\n        return True\n"
    "    def __mod__(self, other):\n        return 0\n"
    "    __hash__ = int.__hash__",
    1: "def double(x):\n    return _Yes(0)",
    2: "ANSWER = _Yes(1)",
}


@pytest.fixture(scope="module")
def otter_ex(tmp_path_factory):
    """The same assignment with exception-based tests (`tests: ok_format: false`)."""
    work = tmp_path_factory.mktemp("otter-ex")
    notebook = master_notebook()
    notebook.cells[0].source += "tests:\n  ok_format: false\n"
    for cell in notebook.cells:
        for start, source in EXCEPTION_CELLS.items():
            if cell.cell_type == "code" and (cell.source + "\n").startswith(start):
                cell.source, cell.outputs = source, []
    master = work / "ex.ipynb"
    nbformat.write(notebook, master)
    zip_path = otter_assign(master, work / "dist")
    bank_root = empty_bank(work / "bank")
    import_otter(zip_path, "ex", bank_root)
    solution = nbformat.read(work / "dist" / "autograder" / "ex.ipynb", as_version=4)
    paths = {}
    for name, changes in (("mixed", SUBMISSIONS["mixed"]), ("rigged", RIGGED)):
        copy = nbformat.from_dict(solution)
        cells = [c for c in copy.cells if c.cell_type == "code" and "check(" not in c.source]
        for index, source in changes.items():
            cells[index].source = source
        paths[name] = work / f"{name}.ipynb"
        nbformat.write(copy, paths[name])
    with ThreadPoolExecutor(max_workers=2) as pool:
        scores = dict(
            zip(paths, pool.map(lambda p: otter_run(zip_path, p), paths.values()), strict=True)
        )
    bank, problems = validate_bank(bank_root)
    assert problems == []
    return {"bank": bank, "submissions": paths, "otter": scores}


def test_exception_based_assignment_scores_equal_otter_and_resist_rigged_objects(
    otter_ex, fork_engine
):
    cases = otter_ex["bank"].questions["ex-q1"].otter["cases"]
    assert [c["format"] for c in cases] == ["exception"] * 4
    assert [c["runs_in"] for c in cases] == ["judge", "judge", "judge", "sandbox"]
    ours = {}
    for name, path in otter_ex["submissions"].items():
        result = grade_submission(
            load_submission(path), otter_ex["bank"], "ex", fork_engine, None, plan_devices("cpu")
        )
        ours[name] = {q["id"].removeprefix("ex-"): q["score"] for q in result["questions"]}
    assert ours["mixed"] == pytest.approx(otter_ex["otter"]["mixed"], abs=1e-5)
    assert otter_ex["otter"]["rigged"] == {"q1": 2.0, "q2": 3.0}  # otter: full marks
    # here only the case that must run in the sandbox (a lambda) is fooled
    assert ours["rigged"] == pytest.approx({"q1": 1 / 3, "q2": 0.0}, abs=1e-5)


def test_import_keeps_otters_points_hidden_flags_and_all_or_nothing(otter_hw):
    bank = otter_hw["bank"]
    assert bank.assignments["hw"].question_ids == ["hw-q1", "hw-q2"]
    q1, q2 = bank.questions["hw-q1"], bank.questions["hw-q2"]
    assert (q1.points, q2.points) == (2.0, 3.0)
    cases = q1.otter["cases"]
    # otter's split: 2 points, one case fixed at 1, the other three share the rest
    assert [c["points"] for c in cases] == pytest.approx([1 / 3, 1 / 3, 1.0, 1 / 3])
    assert [c["hidden"] for c in cases] == [False, True, True, True]
    assert [c["runs_in"] for c in cases] == ["judge", "judge", "judge", "sandbox"]
    assert [c["foolable"] for c in cases] == [False, False, False, True]
    assert q2.otter["all_or_nothing"] is True
    assert "run_all_or_nothing" in q2.checks_path.read_text()


@pytest.mark.parametrize("name", ["correct", "wrong", "mixed"])
def test_honest_scores_equal_otter_run(otter_hw, fork_engine, name):
    ours = our_scores(otter_hw, fork_engine, otter_hw["submissions"][name])
    assert ours == pytest.approx(otter_hw["otter"][name], abs=1e-5)  # ours are rounded to 1e-6


def test_kernel_engine_gives_the_same_scores(otter_hw, fork_engine):
    from grader.sandbox import make_engine

    engine = make_engine("kernel")
    try:
        path = otter_hw["submissions"]["mixed"]
        result = grade_submission(
            load_submission(path), otter_hw["bank"], "hw", engine, None, plan_devices("cpu")
        )
    finally:
        engine.close()
    scores = {q["id"].removeprefix("hw-"): q["score"] for q in result["questions"]}
    assert scores == our_scores(otter_hw, fork_engine, path)


def test_scores_differ_between_submissions(otter_hw):
    # guards the test above against a grader that gives everyone the same score
    honest = [otter_hw["otter"][name] for name in ("correct", "wrong", "mixed")]
    assert len({tuple(sorted(s.items())) for s in honest}) == 3


def test_replacing_otters_doctest_runner_fools_otter_not_us(otter_hw, fork_engine, tmp_path):
    assert otter_hw["otter"]["cheat"] == {"q1": 2.0, "q2": 3.0}  # otter: full marks
    cheat = otter_hw["submissions"]["cheat"]
    ours = our_scores(otter_hw, fork_engine, cheat)
    # the honest score: the same answers without the patch
    notebook = nbformat.read(cheat, as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    first.source = "import numpy as np"
    honest_path = tmp_path / "honest.ipynb"
    nbformat.write(notebook, honest_path)
    assert ours == our_scores(otter_hw, fork_engine, honest_path)
    assert ours == pytest.approx({"q1": 5 / 3, "q2": 0.0}, abs=1e-5)


def test_export_then_otter_assign_round_trips(otter_hw, tmp_path):
    report = export_otter(otter_hw["bank"], "hw", tmp_path / "export")
    assert report.unexpressible == [] and report.exported_cases == 7
    again = otter_assign(report.notebook, tmp_path / "dist")
    before = [parse_test_file(p, t) for p, t in read_test_sources(otter_hw["zip"])]
    after = [parse_test_file(p, t) for p, t in read_test_sources(again)]

    def shape(tests):
        return [
            (t.name, t.all_or_nothing, [(c.code, c.hidden, round(c.points, 9)) for c in t.cases])
            for t in tests
        ]

    assert shape(after) == shape(before)
    # and importing the re-built assignment gives the same questions
    bank_root = empty_bank(tmp_path / "bank2")
    import_otter(again, "hw", bank_root)
    bank, problems = validate_bank(bank_root)
    assert problems == []
    for qid in ("hw-q1", "hw-q2"):
        assert bank.questions[qid].otter["cases"] == otter_hw["bank"].questions[qid].otter["cases"]


def test_export_of_the_bank_lists_what_otter_cannot_express(bank, tmp_path):
    report = export_otter(bank, "preliminaries-core", tmp_path)
    assert report.exported_cases > 0
    assert any("hidden check" in line for line in report.unexpressible)
    assert report.unexpressible_file.read_text().count("\n") == len(report.unexpressible) + 1
    notebook = nbformat.read(report.notebook, as_version=4)
    assert notebook.cells[0].source.startswith("# ASSIGNMENT CONFIG")


def test_foolable_cases_are_the_ones_whose_comparison_the_student_controls():
    assert not analyse_doctest(">>> f(3)\n6\n").foolable
    assert not analyse_doctest(
        ">>> np.allclose(f(np.arange(3)), np.array([0, 2]))\nTrue\n"
    ).foolable
    assert not analyse_doctest(">>> y = np.ones(2)\n>>> np.allclose(f(2), y)\nTrue\n").foolable
    fooled = analyse_doctest(">>> np.allclose(f(x), y)\nTrue\n")
    assert fooled.foolable and fooled.runs_in == "judge" and "both come from" in fooled.why
    in_sandbox = analyse_doctest(">>> sorted(map(lambda v: v, f(3)))\n[1]\n")
    assert in_sandbox.foolable and in_sandbox.runs_in == "sandbox"
    comprehension = analyse_doctest(">>> all(v > 0 for v in f(3))\nTrue\n")
    assert comprehension.runs_in == "judge" and comprehension.student_names == ["f"]
    assert not analyse_exception_case("def t(f):\n    assert f(3) == 6\n").foolable
    assert analyse_exception_case("def t(f, y):\n    assert f(3) == y\n").foolable
    assert analyse_exception_case("def t(check):\n    assert check()\n").foolable
    assert analyse_exception_case("def t(env):\n    assert env['x'] == 1\n").runs_in == "sandbox"


EXCEPTION_TEST = """\
from otter.test_files import test_case
import pathlib
pathlib.Path(__file__).with_name("RAN").write_text("the test file was executed")

OK_FORMAT = False
name = "q3"
points = 4

@test_case(points=None, hidden=False)
def test_q3_public(triple):
    assert triple(2) == 6

@test_case(points=3, hidden=True)
def test_q3_hidden(triple, np):
    assert np.allclose(triple(np.arange(3)), np.array([0, 3, 6]))
"""


def test_exception_based_tests_are_parsed_not_run_and_graded(tmp_path, fork_engine):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "q3.py").write_text(EXCEPTION_TEST)
    bank_root = empty_bank(tmp_path / "bank")
    import_otter(tmp_path, "ex", bank_root)
    assert not (tests / "RAN").exists()
    bank, problems = validate_bank(bank_root)
    assert problems == []
    cases = bank.questions["ex-q3"].otter["cases"]
    assert [(c["points"], c["hidden"], c["runs_in"]) for c in cases] == [
        (1.0, False, "judge"),
        (3.0, True, "judge"),
    ]
    scores = []
    for body in ("return 3 * x", "return x + 4"):  # right; right only at x = 2
        notebook = new_notebook(cells=[new_code_cell(f"def triple(x):\n    {body}")])
        path = tmp_path / "sub.ipynb"
        nbformat.write(notebook, path)
        result = grade_submission(
            load_submission(path), bank, "ex", fork_engine, None, plan_devices("cpu")
        )
        scores.append(result["score"])
    assert scores == [4.0, 1.0]


def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys):
    bank_root = empty_bank(tmp_path / "bank")
    not_zip = tmp_path / "hw.zip"
    not_zip.write_text("hello")
    with pytest.raises(OtterImportError, match="not a zip file"):
        import_otter(not_zip, "hw", bank_root)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "q1.py").write_text("test = {'name': 'q1', 'suites': [{'cases': [")
    code = main(["--bank", str(bank_root), "import", "otter", str(tmp_path), "--name", "hw"])
    assert code == 2
    err = capsys.readouterr().err
    assert "tests/q1.py" in err and "not valid Python" in err
    assert sorted(p.name for p in bank_root.iterdir()) == ["topics.yaml"]


def test_cli_import_prints_each_case_and_refuses_to_overwrite(otter_hw, tmp_path, capsys):
    bank_root = empty_bank(tmp_path / "bank")
    args = ["--bank", str(bank_root), "import", "otter", str(otter_hw["zip"]), "--name", "hw"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "FOOLABLE q1 - 4 [hidden" in out and "6 of 7 case(s) cannot be fooled" in out
    assert main(args) == 2
    assert "--replace" in capsys.readouterr().err
    assert main([*args, "--replace"]) == 0


def test_schema_relaxes_only_for_imported_questions(otter_hw):
    import yaml

    from grader.bank.loader import _schema_problems

    imported = yaml.safe_load((otter_hw["bank_root"] / "imported/hw-q1/question.yaml").read_text())
    assert _schema_problems(imported, "question", "q") == []
    own = dict(imported, source="bank", topic="ndarray")
    fields = {p.field for p in _schema_problems(own, "question", "q")}
    assert {"defines", "public_checks", "mutants"} <= fields
    no_cases = {k: v for k, v in imported.items() if k != "otter"}
    assert _schema_problems(no_cases, "question", "q") != []


def test_judge_evaluator_runs_doctests_and_refuses_a_way_out():
    from grader.judge.student import Student
    from grader.otter.cases import CheckFailed, run_case
    from grader.sandbox.base import Limits
    from grader.sandbox.inprocess import InProcessSession

    session = InProcessSession(Limits())
    try:
        session.run_cell(
            "import numpy as np\ndef f(x):\n    if x < 0:\n        raise ValueError('negative')\n"
            "    return np.arange(x)\nN = 3",
            10,
        )
        student = Student(lambda: session, 10)

        def case(code):
            return {"name": "c", "format": "doctest", "hidden": False, "code": code}

        run_case(student, case(">>> [int(v) for v in f(N)]\n[0, 1, 2]\n"))
        run_case(student, case(">>> y = f(2)\n>>> y.sum()\nnp.int64(1)\n"))
        run_case(
            student,
            case(">>> f(-1)\nTraceback (most recent call last):\n...\nValueError: negative\n"),
        )
        with pytest.raises(CheckFailed, match="Expected"):
            run_case(student, case(">>> f(2).tolist()\n[0, 1, 2]\n"))
        assert analyse_doctest(">>> torch.os.getcwd()\n'/'\n").runs_in == "sandbox"
        with pytest.raises(CheckFailed, match="raised Unsupported"):
            run_case(student, case(">>> torch.os.getcwd()\n'/'\n"))
    finally:
        session.close()


SNAPSHOT_TESTS = {
    "q1.py": 'test = {"name": "q1", "points": 1, "suites": [{"type": "doctest", "cases": [\n'
    '    {"code": ">>> x\\n[1]", "hidden": False}]}]}\n',
    "q2.py": 'test = {"name": "q2", "points": 1, "suites": [{"type": "doctest", "cases": [\n'
    '    {"code": ">>> x\\n[1, 2, 3]", "hidden": False}]}]}\n',
    # otter seeds Python's and numpy's generators before every cell (seed 1 below): `roll`
    # is then the first number of a seed-1 generator; unseeded, it is anything
    "q3.py": 'test = {"name": "q3", "points": 1, "suites": [{"type": "doctest", "cases": [\n'
    f'    {{"code": ">>> round(roll, 6)\\n{round(random.Random(1).random(), 6)}", '
    '"hidden": False}]}]}\n',
}


@pytest.fixture(scope="module")
def snapshot_bank(tmp_path_factory):
    work = tmp_path_factory.mktemp("snapshots")
    (work / "tests").mkdir()
    for name, text in SNAPSHOT_TESTS.items():
        (work / "tests" / name).write_text(text)
    (work / "otter_config.json").write_text(json.dumps({"seed": 1}))
    bank_root = empty_bank(work / "bank")
    import_otter(work, "snap", bank_root)
    bank, problems = validate_bank(bank_root)
    assert problems == []
    return bank, work


def _snapshot_scores(snapshot_bank, engine, cells: list[str]) -> dict[str, float]:
    bank, work = snapshot_bank
    path = work / f"sub-{abs(hash(tuple(cells)))}.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    result = grade_submission(
        load_submission(path), bank, "snap", engine, None, plan_devices("cpu")
    )
    validate_result(result)
    return {q["id"].removeprefix("snap-"): q["score"] for q in result["questions"]}


SNAPSHOT_NOTEBOOK = [
    "import random\nx = [1]",
    'grader.check("q1")',
    "x.append(2)  # changed in place after q1's check",
    "x.append(3)",
    'grader.check("q2")',
    "roll = random.random()",
    "x = None",
]


@pytest.mark.parametrize("engine_name", ["fork_engine", "kernel_engine"])
def test_questions_are_graded_where_their_check_cell_stands(snapshot_bank, engine_name, request):
    engine = request.getfixturevalue(engine_name)
    scores = _snapshot_scores(snapshot_bank, engine, SNAPSHOT_NOTEBOOK)
    # x as it was at q1's check cell (changed in place after it), then at q2's; q3 has no
    # check cell and reads the end of the notebook, where otter's seed made `roll`
    assert scores == {"q1": 1.0, "q2": 1.0, "q3": 1.0}


def test_without_its_check_cell_a_question_reads_the_end_of_the_notebook(
    snapshot_bank, fork_engine
):
    cells = [c for c in SNAPSHOT_NOTEBOOK if not c.startswith("grader.check") and c != "x = None"]
    scores = _snapshot_scores(snapshot_bank, fork_engine, cells)
    assert scores == {"q1": 0.0, "q2": 1.0, "q3": 1.0}


def test_a_student_cannot_break_the_snapshots(snapshot_bank, fork_engine):
    """Overwriting the snapshots costs the student their own snapshot, nothing else: the
    question is then read at the end of the notebook, as if it had no check cell."""
    cells = [
        "x = [1]",
        'grader.check("q1")',
        "__grader_snapshots__ = 'mine'",
        "x.append(2)\nx.append(3)",
        'grader.check("q2")',
        "roll = 0.5",
    ]
    scores = _snapshot_scores(snapshot_bank, fork_engine, cells)
    assert scores["q1"] == 0.0  # its snapshot was replaced; x at the end is [1, 2, 3]
    assert scores["q2"] == 1.0
