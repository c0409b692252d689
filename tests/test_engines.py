"""The fork and kernel engines agree, and d2l-style notebooks grade like Jupyter runs them."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from grader.sandbox.kernelengine import KernelEngine

from .conftest import ROOT
from .nbutil import SOLUTION, solution_with, write_notebook

D2L_STYLE = [
    ("md", "# 2.1 Data manipulation"),
    "%matplotlib inline",
    "import torch",
    "from d2l import torch as d2l",
    "import os\nos.makedirs(os.path.join('..', 'data'), exist_ok=True)\ndata_file = os.path.join('..', 'data', 'house_tiny.csv')\nwith open(data_file, 'w') as f:\n    f.write('NumRooms,RoofType,Price\\nNA,NA,127500\\n2,NA,106000\\n')",
    "import pandas as pd\ndata = pd.read_csv(data_file)\nprint(data)",
    "x = torch.arange(12, dtype=torch.float32)\nx.reshape(3, 4)",
    "X = torch.arange(12, dtype=torch.float32).reshape((3,4))\nY = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\ntorch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)",
    "before = id(Y)\nY = Y + X\nid(Y) == before",
    "A = X.numpy()\nB = torch.from_numpy(A)\ntype(A), type(B)",
    "d2l.plot(x, [x])",
    "def make_grid(rows, cols):\n    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)",
]


@pytest.fixture(scope="module")
def kernel_engine():
    engine = KernelEngine()
    yield engine
    engine.close()


def _statuses(result):
    return [(c["index"], c["status"]) for c in result["cells"]]


def _nbclient_statuses(path, tmp_path):
    nb = nbformat.read(path, 4)
    work = tmp_path / "nbclient" / "work"
    work.mkdir(parents=True)
    NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(work)}},
    ).execute()
    statuses = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        statuses.append((index, "error" if failed else "ok"))
    return statuses


@pytest.mark.slow
def test_engines_agree_on_the_corpus(grade, kernel_engine, bank, tmp_path):
    grid = bank.questions["grid"]
    corpus = [
        SOLUTION,
        ROOT / "student_templates/preliminaries-core.en.ipynb",
        solution_with(
            tmp_path / "mutant.ipynb",
            {
                "grid": grid.mutants[0].code,
                "concat": "def add_samples(X, Y):\n    raise ValueError('no')",
            },
        ),
        write_notebook(tmp_path / "d2l.ipynb", D2L_STYLE),
    ]
    for path in corpus:
        fork = grade(path)
        kernel = grade(path, engine=kernel_engine)
        assert kernel["engine"] == "kernel"
        assert [(q["id"], q["score"]) for q in fork["questions"]] == [
            (q["id"], q["score"]) for q in kernel["questions"]
        ], path
        assert _statuses(fork) == _statuses(kernel), path


@pytest.mark.slow
def test_d2l_style_notebook_matches_nbclient(grade, tmp_path):
    path = write_notebook(tmp_path / "d2l.ipynb", D2L_STYLE)
    result = grade(path)
    assert _statuses(result) == _nbclient_statuses(path, tmp_path)
    errors = {c["index"]: c["error"]["type"] for c in result["cells"] if c["error"]}
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert statuses[1] == statuses[2] == "ok"  # %matplotlib inline, import torch
    assert errors[3] == "ModuleNotFoundError"  # from d2l import torch as d2l
    assert statuses[4] == statuses[5] == "ok"  # writes to ../data, reads it back
    grid = next(q for q in result["questions"] if q["id"] == "grid")
    assert grid["score"] == grid["max_score"]
