"""Courses' systems: a Gradescope run simulated here, and Canvas and Moodle imports.

The Gradescope test builds the autograder zip, unpacks it into a folder laid out like
Gradescope's (`source/`, `submission/`, `results/`), binds that folder at /autograder with
bubblewrap, runs `setup.sh` (a fresh virtual environment, the grader from the zip's wheel) and
then `run_autograder` for a correct, a wrong, a hostile and a broken notebook, and for an upload
with no notebook and one with two.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from grader.bank.loader import schema
from grader.cli import main
from grader.gradebook.store import Gradebook

from .conftest import ROOT

CORE = "preliminaries-core"
SOLUTION = ROOT / "solutions" / f"{CORE}.ipynb"
TEMPLATE = ROOT / "student_templates" / f"{CORE}.en.ipynb"


# -- Gradescope ------------------------------------------------------------------------------


def _in_autograder(folder: Path, script: str) -> subprocess.CompletedProcess:
    """Run a script of the zip as Gradescope would: with the folder at /autograder."""
    if shutil.which("bwrap"):
        command = ["bwrap", "--bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
                   "--bind", str(folder), "/autograder", "bash", f"/autograder/source/{script}"]  # fmt: skip
        env = None
    else:  # without bubblewrap the scripts take the folder from $AUTOGRADER
        command = ["bash", str(folder / "source" / script)]
        env = {"AUTOGRADER": str(folder), "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory):
    work = tmp_path_factory.mktemp("gradescope")
    zip_path = work / "autograder.zip"
    assert main(["gradescope", CORE, "--out", str(zip_path), "--hints", "hide"]) == 0
    folder = work / "autograder"
    for name in ("source", "submission", "results"):
        (folder / name).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        archive.extractall(folder / "source")
    for script in ("setup.sh", "run_autograder"):
        (folder / "source" / script).chmod(0o755)
    done = _in_autograder(folder, "setup.sh")
    assert done.returncode == 0, done.stderr[-3000:]
    return {"folder": folder, "names": names}


def _run(gradescope, tmp_path, *notebooks: Path) -> dict:
    folder = gradescope["folder"]
    shutil.rmtree(folder / "submission")
    (folder / "submission").mkdir()
    for index, path in enumerate(notebooks):
        shutil.copy(
            path, folder / "submission" / (path.name if index == 0 else f"{index}-{path.name}")
        )
    results = folder / "results" / "results.json"
    results.unlink(missing_ok=True)
    done = _in_autograder(folder, "run_autograder")
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(results.read_text())
    jsonschema.validate(data, schema("gradescope"))
    return data


def test_the_zip_holds_the_scripts_a_wheel_and_only_this_assignment(gradescope, bank):
    names = gradescope["names"]
    assert {"setup.sh", "run_autograder", "constraints.txt"} <= set(names)
    assert any(n.endswith(".whl") for n in names)
    questions = {n.split("/")[2] for n in names if n.startswith("bank/") and n.count("/") >= 3}
    assert questions == set(bank.assignments[CORE].question_ids)
    assert [n for n in names if n.startswith("bank/assignments/")] == [
        f"bank/assignments/{CORE}.yaml"
    ]


def test_a_correct_and_a_wrong_notebook(gradescope, tmp_path, core_max):
    correct = _run(gradescope, tmp_path, SOLUTION)
    assert correct["score"] == pytest.approx(core_max)
    assert all(t["score"] == t["max_score"] for t in correct["tests"])
    assert "execution_time" in correct and correct["tests"][0]["visibility"] in (
        "visible",
        "after_published",
    )
    wrong = _run(gradescope, tmp_path, TEMPLATE)
    assert wrong["score"] < core_max
    hidden = [t for t in wrong["tests"] if t["visibility"] != "visible"]
    assert hidden and all(t["status"] == "failed" for t in hidden if t["score"] == 0)


def test_a_hostile_notebook_gets_its_honest_score(gradescope, tmp_path, core_max):
    notebook = nbformat.read(SOLUTION, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "class Yes:\n    def __eq__(self, other):\n        return True\n"
            "def make_grid(rows, cols):\n    return Yes()\n"
            "import torch\ntorch.equal = lambda *a: True\ntorch.allclose = lambda *a, **k: True"
        )
    )
    path = tmp_path / "hostile.ipynb"
    nbformat.write(notebook, path)
    data = _run(gradescope, tmp_path, path)
    grid = [t for t in data["tests"] if t["name"].startswith("grid:")]
    assert grid and all(t["score"] == 0 for t in grid)
    assert data["score"] < core_max


def test_broken_missing_and_extra_notebooks_say_why(gradescope, tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    data = _run(gradescope, tmp_path, broken)
    assert data["score"] == 0 and "could not be graded" in data["output"]
    none = _run(gradescope, tmp_path)
    assert none["score"] == 0 and "exactly one notebook" in none["output"]
    two = _run(gradescope, tmp_path, SOLUTION, TEMPLATE)
    assert two["score"] == 0 and "found 2" in two["output"]


# -- Canvas and Moodle ------------------------------------------------------------------------

# Canvas's gradebook export (Grades > Export > Export Entire Gradebook), as its documentation
# describes it: identity columns, assignment columns named "NAME (ID)", a Points Possible row.
CANVAS_EXPORT = """\
Student,ID,SIS User ID,SIS Login ID,Section,Preliminaries (4411),Quiz 1 (4412),Current Score
    Points Possible,,,,,100.00,10.00,
"Lovelace, Ada",101,S001,ada,Section 1,,8.00,80.00
"Bo, Li",102,S002,li.bo,Section 1,,9.00,90.00
"Chen, Mei",103,S003,chen,Section 2,,7.00,70.00
"""


@pytest.fixture
def gradebook(tmp_path):
    path = tmp_path / "book.sqlite"
    with Gradebook(path) as book:
        for index, (student, score) in enumerate([("ada", 30.25), ("bo", 60.5), ("eve", 12.0)]):
            book.record(
                student=student,
                assignment=CORE,
                sha256=f"{index:064x}",
                source=f"{student}.ipynb",
                submitted_at="2026-12-01T10:00:00+00:00",
                result={
                    "score": score,
                    "max_score": 60.5,
                    "questions": [],
                    "timings": {"total_s": 0.1},
                },
            )
    return path


def test_canvas_import_fills_the_column_and_lists_who_did_not_match(gradebook, tmp_path, capsys):
    export = tmp_path / "canvas.csv"
    export.write_text(CANVAS_EXPORT)
    roster = tmp_path / "roster.csv"
    roster.write_text("student,canvas\nbo,li.bo\n")
    out = tmp_path / "import.csv"
    code = main(
        ["export", "canvas", "--db", str(gradebook), "--canvas-csv", str(export), "--assignment",
         CORE, "--column", "Preliminaries (4411)", "--roster", str(roster), "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "eve" in printed and "Chen, Mei" in printed  # listed, not dropped
    rows = list(csv.reader(out.open()))
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Preliminaries (4411)",
    ]
    assert rows[1][0].strip() == "Points Possible" and rows[1][-1] == "100.00"
    grades = {row[3]: row[-1] for row in rows[2:]}
    assert grades == {"ada": "50.00", "li.bo": "100.00", "chen": ""}  # scaled to 100 points
    # what Canvas reads back: the same identity columns, so it matches every row
    again = list(csv.DictReader(out.open()))
    assert [r["SIS Login ID"] for r in again[1:]] == ["ada", "li.bo", "chen"]


def test_canvas_refuses_an_unknown_column_with_the_choices(gradebook, tmp_path, capsys):
    export = tmp_path / "canvas.csv"
    export.write_text(CANVAS_EXPORT)
    code = main(
        ["export", "canvas", "--db", str(gradebook), "--canvas-csv", str(export), "--assignment",
         CORE, "--column", "Nope (1)", "--out", str(tmp_path / "x.csv")]
    )  # fmt: skip
    assert code == 2
    assert "Quiz 1 (4412)" in capsys.readouterr().err


def test_moodle_import_csv(gradebook, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,email\nada,ada@example.edu\nbo,bo@example.edu\n")
    out = tmp_path / "moodle.csv"
    assert main(
        ["export", "moodle", "--db", str(gradebook), "--assignment", CORE, "--out", str(out),
         "--id-field", "email", "--roster", str(roster)]
    ) == 0  # fmt: skip
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["Email address", CORE]
    assert {r["Email address"]: r[CORE] for r in rows} == {
        "ada@example.edu": "30.25",
        "bo@example.edu": "60.50",
        "eve": "12.00",
    }
