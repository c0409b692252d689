"""Build small notebooks for tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .conftest import ROOT

SOLUTION = ROOT / "solutions/preliminaries-core.ipynb"


def write_notebook(path: Path, cells: list[str | tuple[str, str]]) -> Path:
    """cells: code strings, or ("md", text) for markdown."""
    nb_cells = []
    for cell in cells:
        if isinstance(cell, tuple):
            nb_cells.append(new_markdown_cell(cell[1]))
        else:
            nb_cells.append(new_code_cell(cell))
    nbformat.write(new_notebook(cells=nb_cells), path)
    return path


def solution_with(path: Path, replacements: dict[str, str]) -> Path:
    """The solution notebook with some answer cells replaced (question id -> code)."""
    nb = nbformat.read(SOLUTION, 4)
    for cell in nb.cells:
        meta = cell.metadata.get("d2l_grader", {})
        if meta.get("role") == "answer" and meta["question"] in replacements:
            cell.source = replacements[meta["question"]]
    nbformat.write(nb, path)
    return path


def scores(result: dict) -> dict[str, float]:
    return {q["id"]: q["score"] for q in result["questions"]}


def hidden_score(result: dict) -> float:
    return sum(
        c["score"] for q in result["questions"] for c in q["checks"] if c["visibility"] == "hidden"
    )
