"""Read a submitted notebook into (cell index, source) pairs, or say in one line why not."""

from __future__ import annotations

import ast
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


class NotebookProblem(Exception):
    """The file is not a usable notebook. The message is one line, for the student."""


@dataclass
class Submission:
    path: Path
    sha256: str
    code_cells: list[tuple[int, str]]  # (index among ALL cells, markdown counted; source)
    cell_count: int
    nbformat_converted_from: int | None = None
    lang: str | None = None  # the template's language ("zh" or "en"), from notebook metadata
    # question id -> the source of its answer cell, where the template's cell metadata survived
    answers: dict[str, str] = field(default_factory=dict)


def load_submission(path: Path) -> Submission:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotebookProblem(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NotebookProblem(f"{path}: is a folder, not a notebook") from None
    except OSError as exc:
        raise NotebookProblem(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_submission(data, path)


def parse_submission(data: bytes, path: Path) -> Submission:
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise NotebookProblem(f"{path}: the file is empty; submit the .ipynb saved from Jupyter")
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookProblem(
            f"{path}: the file is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MB; clear the outputs and submit again"
        )
    if b"\x00" in data[:4096]:
        raise NotebookProblem(
            f"{path}: this is a binary file, not a notebook (.ipynb is JSON text)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookProblem(
            f"{path}: not UTF-8 text (invalid byte at position {exc.start}); save the notebook from Jupyter again"
        ) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "the file looks truncated" if exc.pos >= len(text) - 2 else "the JSON is malformed"
        raise NotebookProblem(
            f"{path}: not a notebook: {hint} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        raise NotebookProblem(
            f"{path}: this JSON file is not a Jupyter notebook (no nbformat field)"
        )
    original = raw["nbformat"]
    if original < 3:
        raise NotebookProblem(
            f"{path}: notebook format {original} is too old; open and save it in a current Jupyter"
        )
    if original == 4:
        # Already parsed: nbformat.reads would parse the text again, wrap every node and run a
        # schema validation that only logs (~1.2 ms of the judge's ~30 ms per submission in a
        # batch). Only the code cells' sources are read below, each checked for its type.
        notebook = raw
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                notebook = nbformat.reads(text, as_version=4)
        except Exception as exc:  # nbformat raises many types for malformed input
            raise NotebookProblem(
                f"{path}: not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})"
            ) from None
    cells = notebook.get("cells")
    if not isinstance(cells, list) or not cells:
        raise NotebookProblem(f"{path}: the notebook has no cells")
    code_cells = []
    answers: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        code_cells.append((index, str(source)))
        marker = _grader_metadata(cell)
        question = marker.get("question")
        if marker.get("role") == "answer" and isinstance(question, str):
            answers[question] = answers.get(question, "") + str(source)
    lang = _grader_metadata(notebook).get("lang")
    return Submission(
        path=path,
        sha256=sha,
        code_cells=code_cells,
        cell_count=len(cells),
        nbformat_converted_from=original if original != 4 else None,
        lang=lang if lang in ("zh", "en") else None,
        answers=answers,
    )


def _grader_metadata(node: dict) -> dict:
    """The `d2l_grader` metadata the templates carry (a student may have mangled it)."""
    metadata = node.get("metadata")
    marker = metadata.get("d2l_grader") if isinstance(metadata, dict) else None
    return marker if isinstance(marker, dict) else {}


def answer_cell(submission: Submission, question_id: str, names: list[str]) -> str | None:
    """The student's answer to a question: the template's answer cell where its metadata
    survived, else the last code cell that defines one of the question's `names` (read with
    `ast`, never run)."""
    if question_id in submission.answers:
        return submission.answers[question_id]
    wanted = set(names)
    for _, source in reversed(submission.code_cells):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in wanted:
                return source
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            if any(isinstance(t, ast.Name) and t.id in wanted for t in targets):
                return source
    return None
