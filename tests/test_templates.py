"""Generated notebooks: committed and fresh, and the public checks pass inside Jupyter."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.cli import main
from grader.notebooks import generated_files

from .conftest import ROOT


def test_committed_notebooks_are_fresh(bank):
    stale = []
    for assignment in bank.assignments:
        for path, text in generated_files(
            bank, assignment, ROOT / "student_templates", bank.solutions_dir
        ).items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
    assert stale == [], "stale generated notebooks; run: grader assign ASSIGNMENT"


def test_assign_writes_templates(tmp_path, bank):
    assert (
        main(
            [
                "assign",
                "preliminaries-core",
                "--lang",
                "zh",
                "--out",
                str(tmp_path / "t"),
                "--solutions-out",
                str(tmp_path / "s"),
            ]
        )
        == 0
    )
    assert (tmp_path / "t/preliminaries-core.zh.ipynb").exists()
    assert not (tmp_path / "t/preliminaries-core.en.ipynb").exists()
    assert (tmp_path / "s/preliminaries-core.ipynb").exists()
    nb = nbformat.read(tmp_path / "t/preliminaries-core.zh.ipynb", 4)
    nbformat.validate(nb)
    answers = [c for c in nb.cells if c.metadata.get("d2l_grader", {}).get("role") == "answer"]
    assert len(answers) == len(bank.assignments["preliminaries-core"].question_ids)


def test_unknown_assignment_exits_2(capsys):
    assert main(["assign", "no-such-thing"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


@pytest.mark.slow
def test_zh_template_with_references_passes_every_check(bank, tmp_path, monkeypatch):
    nb = nbformat.read(ROOT / "student_templates/preliminaries-core.zh.ipynb", 4)
    for cell in nb.cells:
        meta = cell.metadata.get("d2l_grader", {})
        if meta.get("role") == "answer":
            question = bank.questions[meta["question"]]
            cell.source = question.solution_for(question.variant(0))
    kernel_tmp = tmp_path / "kernel-tmp"
    kernel_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(kernel_tmp))
    nb.cells.append(nbformat.v4.new_code_cell("print(os.path.isdir(_tests_dir), _tests_dir)"))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    # The public tests were written to a temporary folder, removed when the kernel stopped.
    existed, tests_dir = nb.cells[-1].outputs[0]["text"].split()
    assert existed == "True" and Path(tests_dir).parent == kernel_tmp
    assert not Path(tests_dir).exists()
    nb.cells.pop()
    checks = [c for c in nb.cells if c.metadata.get("d2l_grader", {}).get("role") == "check"]
    assert len(checks) == 14
    for cell in checks:
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert "All test cases passed!" in text, (cell.source, text)


@pytest.mark.slow
def test_en_template_as_given_fails_its_checks(tmp_path):
    nb = nbformat.read(ROOT / "student_templates/preliminaries-core.en.ipynb", 4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    checks = [c for c in nb.cells if c.metadata.get("d2l_grader", {}).get("role") == "check"]
    texts = ["".join(o.get("data", {}).get("text/plain", "") for o in c.outputs) for c in checks]
    assert not any("All test cases passed!" in t for t in texts)
