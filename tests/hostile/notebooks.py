"""Build the attack notebooks: the reference solution with answers replaced or cells added.

Cells that probe the sandbox raise when they find what they must not find, so the result's
cell status (read on the grader's side) says whether the attack got anywhere.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from ..conftest import ROOT

SOLUTION = ROOT / "solutions/preliminaries-core.ipynb"

# A wrong answer to `grid` (zeros instead of 0..n-1): every attack below that goes with it
# tries to make it pass anyway.
WRONG_GRID = "import torch\n\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"


def code(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def solution_plus(
    path: Path,
    *cells: str,
    replace: dict[str, str] | None = None,
    metadata: dict | None = None,
) -> tuple[Path, list[int]]:
    """The full solution with answer cells replaced (question id -> code) and `cells` appended.

    Returns the notebook and the indices of the appended cells (as the result numbers them).
    """
    nb = nbformat.read(SOLUTION, 4)
    for cell in nb.cells:
        meta = cell.metadata.get("d2l_grader", {})
        if meta.get("role") == "answer" and meta.get("question") in (replace or {}):
            cell.source = (replace or {})[meta["question"]]
    first = len(nb.cells)
    nb.cells.extend(new_code_cell(source) for source in cells)
    if metadata:
        nb.metadata.update(metadata)
    nbformat.write(nb, path)
    return path, list(range(first, len(nb.cells)))


def notebook(path: Path, *cells: str) -> tuple[Path, list[int]]:
    """A notebook of just these code cells."""
    nbformat.write(nbformat.v4.new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    return path, list(range(len(cells)))


def set_name(marker: str) -> str:
    """Code that renames the current process to `marker`, so the host can find it by name."""
    return f"__import__('ctypes').CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0)"


def write_everywhere(marker: str, dirs: list[Path]) -> str:
    """Code that tries to create `marker`-named files in host folders. Inside the sandbox a
    write may succeed on a private tmpfs; the test then looks for the file on the host."""
    return code(
        f"""
        import os
        for folder in {[str(d) for d in dirs]!r}:
            target = os.path.join(folder, {marker!r} + '-written')
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                pass
            try:
                with open(target, 'w') as handle:
                    handle.write('the sandbox wrote here')
            except OSError:
                pass
        """
    )
