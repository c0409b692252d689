"""`grader grade`: scores, cell statuses, bad input, crashes, and the two engines agreeing."""

from __future__ import annotations

import json

import nbformat
import pytest

from grader.bank.loader import load_bank
from grader.cli import main
from grader.execute import is_setup_cell
from grader.submission import load_submission

from .conftest import ROOT
from .nbutil import SOLUTION, hidden_score, scores, solution_with, write_notebook

CORE = "preliminaries-core"
MAKE_GRID = (  # a right answer to the first question
    "def make_grid(rows, cols):\n"
    "    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
)

# What the grid question is worth (the bank decides; tests follow it).
GRID_POINTS = load_bank()[0].questions["grid"].points


def test_solution_scores_max_score(grade):
    result = grade(SOLUTION)
    assert result["score"] == result["max_score"] > 0
    statuses = [c["status"] for c in result["cells"]]
    # The 14 `grader.check(...)` cells are not run (the judge runs their public checks), nor
    # the setup cell that only they use.
    assert statuses.count("skipped") == 15 and statuses.count("ok") == len(statuses) - 15
    assert statuses[0] == "skipped"
    assert result["engine"] == "fork"
    assert result["devices"]["graded_on"] == ["cpu"]


def test_only_bare_public_check_calls_are_skipped(grade, tmp_path):
    path = write_notebook(
        tmp_path / "checks.ipynb",
        [
            "import torch",
            'grader.check("grid")',  # the template's cell: `grader` is undefined here, not run
            "  grader.check('grid') ;\n",
            # A check cell the student wrote code into runs like any other cell.
            MAKE_GRID + 'grader.check("grid")',
            'grader.check("grid")\nx = 2',
            "grader.check(make_grid(1, 1))",
        ],
    )
    result = grade(path)
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert statuses == {0: "ok", 1: "skipped", 2: "skipped", 3: "error", 4: "error", 5: "error"}
    errors = {c["index"]: c["error"] for c in result["cells"] if c["status"] == "error"}
    assert all(e["type"] == "NameError" and "grader" in e["message"] for e in errors.values())
    assert all(c["error"] is None and c["seconds"] == 0 for c in result["cells"][1:3])
    # The public checks of the question were run all the same, by the judge.
    grid = next(q for q in result["questions"] if q["id"] == "grid")
    public = [c for c in grid["checks"] if c["visibility"] == "visible"]
    assert public and all(c["status"] == "passed" for c in public)
    assert grid["score"] == grid["max_score"]


def test_the_setup_cell_runs_when_another_cell_uses_what_it_binds(grade, tmp_path):
    """The public-checks setup cell is skipped only while no cell that runs mentions a name it
    binds, and only as `grader assign` wrote it."""
    setup = load_submission(SOLUTION).code_cells[0][1]
    assert is_setup_cell(setup)
    grid = "import torch\n" + MAKE_GRID + "G = make_grid(2, 3)"
    cases = {
        "unused": ([setup, grid, 'grader.check("grid")'], "skipped"),
        "os used without an import": ([setup, grid, "where = os.getcwd()"], "ok"),
        "a check in a longer cell": ([setup, grid + '\ngrader.check("grid")'], "ok"),
        "code added to it": ([setup + "\nimport sys", grid], "ok"),
    }
    for name, (cells, status) in cases.items():
        result = grade(write_notebook(tmp_path / f"{len(name)}.ipynb", cells))
        assert result["cells"][0]["status"] == status, name
        assert all(c["status"] != "error" for c in result["cells"]), name
        grid_question = next(q for q in result["questions"] if q["id"] == "grid")
        assert grid_question["score"] == grid_question["max_score"], name
    # A second statement hidden in the tests' literal makes it another cell.
    head, tail = setup.split("json.loads(", 1)
    assert not is_setup_cell(head + "json.loads('{}') or print(1) or json.loads(" + tail)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_score_zero_on_hidden_checks(grade, lang):
    result = grade(ROOT / f"student_templates/{CORE}.{lang}.ipynb")
    assert hidden_score(result) == 0


def _mutants(bank_questions):
    return [(q.id, m.name, m.code) for q in bank_questions for m in q.mutants]


def test_each_mutant_loses_points_on_its_question_only(grade, bank, tmp_path):
    full = scores(grade(SOLUTION))
    for qid, name, code in _mutants(bank.assignment_questions(CORE)):
        result = grade(solution_with(tmp_path / f"{qid}-{name}.ipynb", {qid: code}))
        got = scores(result)
        assert got[qid] < full[qid], f"{qid}/{name} was not caught"
        others = {k: v for k, v in got.items() if k != qid}
        assert others == {k: v for k, v in full.items() if k != qid}, (
            f"{qid}/{name} changed other questions"
        )


def test_cell_errors_do_not_stop_later_cells(grade, tmp_path):
    path = write_notebook(
        tmp_path / "errors.ipynb",
        [
            ("md", "# title"),
            "import torch",
            "1 / 0",
            MAKE_GRID,
            "import sys\nsys.exit(3)",
            "name = input('your name? ')",
            "undefined_name",
        ],
    )
    result = grade(path)
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert statuses == {1: "ok", 2: "error", 3: "ok", 4: "error", 5: "error", 6: "error"}
    errors = {c["index"]: c["error"]["type"] for c in result["cells"] if c["error"]}
    assert errors[2] == "ZeroDivisionError" and errors[6] == "NameError"
    assert errors[4] == "SystemExit"
    assert scores(result)["grid"] == GRID_POINTS


def test_hanging_and_crashing_cells_are_recorded_and_the_rest_graded(grade, tmp_path):
    path = write_notebook(
        tmp_path / "crashes.ipynb",
        [
            "import torch",
            "while True:\n    pass",
            "import os\nos._exit(1)",
            MAKE_GRID,
            "import ctypes\nctypes.string_at(0)",
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        ],
    )
    result = grade(path, cell_timeout=1.0)
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert statuses == {0: "ok", 1: "timeout", 2: "crashed", 3: "ok", 4: "crashed", 5: "crashed"}
    assert scores(result)["grid"] == GRID_POINTS
    assert result["timings"]["restarts"] >= 4


def test_a_call_that_hangs_costs_that_check_only(grade, tmp_path):
    code = (
        "import torch\n"
        "def make_grid(rows, cols):\n"
        "    if (rows, cols) == (5, 2):\n"
        "        while True:\n"
        "            pass\n"
        "    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
    )
    # test_random_shape draws its shape from the notebook's hash: with nbformat's random cell
    # ids it drew rows == 5 (and hung too) in about one run in seven. A fixed id fixes the draw.
    path = tmp_path / "hang.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code, id="hang")]), path
    )
    result = grade(path, call_timeout=1.0)
    checks = {c["name"]: c for q in result["questions"] if q["id"] == "grid" for c in q["checks"]}
    assert checks["test_shape_dtype_and_values[5-2]"]["status"] == "timeout"
    others = [c for name, c in checks.items() if name != "test_shape_dtype_and_values[5-2]"]
    assert all(c["status"] == "passed" for c in others)


def test_cuda_checks_are_skipped_and_left_out_of_the_maximum(grade, bank):
    result = grade(SOLUTION)
    device = next(q for q in result["questions"] if q["id"] == "device-zeros")
    skipped = [c for c in device["checks"] if c["status"] == "skipped"]
    assert skipped and all(c["device"] == "cuda" and c["max_score"] == 0 for c in skipped)
    assert "no CUDA" in skipped[0]["message"] or "CPU only" in skipped[0]["message"]
    counted = sum(c["max_score"] for c in device["checks"] if c["status"] != "skipped")
    assert 0 < device["max_score"] == counted < bank.questions["device-zeros"].points


# --- the command line ----------------------------------------------------------------------


def test_grade_command_writes_valid_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["grade", str(SOLUTION), "--assignment", CORE, "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["score"] == result["max_score"]
    assert "TOTAL" in capsys.readouterr().out


def test_zero_points_still_exits_0(tmp_path):
    path = write_notebook(tmp_path / "empty-answers.ipynb", ["x = 1"])
    assert main(["grade", str(path), "--assignment", CORE]) == 0


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.ipynb", b"", "empty"),
        ("text.ipynb", b"hello, this is not json", "not a notebook"),
        ("truncated.ipynb", json.dumps({"cells": [], "nbformat": 4}).encode()[:-5], "truncated"),
        ("binary.ipynb", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (
            "latin1.ipynb",
            '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "caf\xe9"}'.encode(
                "latin-1"
            ),
            "UTF-8",
        ),
        (
            "nocells.ipynb",
            json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode(),
            "no cells",
        ),
        ("list.ipynb", b"[1, 2, 3]", "not a Jupyter notebook"),
        ("cellstext.ipynb", json.dumps({"cells": "print(1)", "nbformat": 4}).encode(), "no cells"),
    ],
)
def test_unusable_files_exit_2_with_one_line(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["grade", str(path), "--assignment", CORE]) == 2
    err = capsys.readouterr().err.strip()
    assert reason in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_junk_among_the_cells_of_a_v4_notebook_is_passed_over(tmp_path, grade):
    """The JSON of a v4 notebook is used as parsed (no nbformat validation): an entry that is
    not a cell is passed over, a source that is not text runs as its str(), the rest is graded."""
    answer = "import torch\n" + MAKE_GRID
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [
            "not a cell",
            {"cell_type": "code", "source": 42},
            {"cell_type": "code", "source": answer.splitlines(keepends=True)},
            {"cell_type": "markdown"},
        ],
    }
    path = tmp_path / "junk.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    result = grade(path)
    assert [(c["index"], c["status"]) for c in result["cells"]] == [(1, "ok"), (2, "ok")]
    assert scores(result)["grid"] == GRID_POINTS


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nope.ipynb"), "--assignment", CORE]) == 2
    assert "no such file" in capsys.readouterr().err


def test_nbformat_3_is_converted(tmp_path, grade):
    v3 = {
        "metadata": {},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "markdown", "source": ["# old"], "metadata": {}},
                    {
                        "cell_type": "code",
                        "input": [
                            "import torch\n",
                            "def make_grid(r, c):\n",
                            "    return torch.arange(r * c, dtype=torch.float32).reshape(r, c)",
                        ],
                        "language": "python",
                        "outputs": [],
                        "metadata": {},
                    },
                ],
                "metadata": {},
            }
        ],
    }
    path = tmp_path / "v3.ipynb"
    path.write_text(json.dumps(v3))
    result = grade(path)
    assert scores(result)["grid"] == GRID_POINTS
    assert result["cells"] == [
        {"index": 1, "status": "ok", "error": None, "seconds": result["cells"][0]["seconds"]}
    ]
    assert any("nbformat 3" in n for n in result["notes"])


def test_device_cuda_without_cuda_exits_2(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(["grade", str(SOLUTION), "--assignment", CORE, "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "no usable CUDA device" in err and len(err.strip().splitlines()) == 1


def test_unknown_assignment_exits_2(capsys):
    assert main(["grade", str(SOLUTION), "--assignment", "nope"]) == 2


def test_max_score_ignores_notebook_metadata(tmp_path, grade):
    import nbformat

    nb = nbformat.read(SOLUTION, 4)
    nb.metadata["d2l_grader"] = {"max_score": 1, "score": 1000}
    for cell in nb.cells:
        cell.metadata["points"] = 1000
    nbformat.write(nb, tmp_path / "meta.ipynb")
    result = grade(tmp_path / "meta.ipynb")
    assert result["max_score"] == grade(SOLUTION)["max_score"]
