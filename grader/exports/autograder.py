"""A Gradescope autograder built from the bank: `grader gradescope ASSIGNMENT --out zip`, and
what runs inside Gradescope's container: `grader gradescope-run`.

The zip holds what Gradescope's base image needs and nothing else of the course:
- `setup.sh`: Python ≥ 3.11 (Ubuntu's package when the image has none), bubblewrap (the
  sandbox's isolation; grading goes on with what isolation the container allows when it cannot
  be installed, and says so in every result), a virtual environment with the grader installed
  from the wheel inside the zip (no network fetch of our code) under our torch pin;
- `run_autograder`: grades the one notebook in `/autograder/submission/` and writes
  `/autograder/results/results.json` (Gradescope's format, validated by our copy of its schema);
- `bank/` and `solutions/`: this assignment's questions only.

Both scripts read `$AUTOGRADER` (default `/autograder`), so a test can run them in a folder laid
out like Gradescope's.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from ..bank.model import Bank

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
AG="${AUTOGRADER:-/autograder}"
cd "$AG/source"
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null \\
      || echo "setup: bubblewrap could not be installed; grading will say what isolation it has" >&2
  fi
fi
PY=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 \\
     && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY="$candidate"; break
  fi
done
if [ -z "$PY" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  PY=python3.11
fi
[ -n "$PY" ] || { echo "setup: the grader needs Python >= 3.11" >&2; exit 1; }
"$PY" -m venv "$AG/venv"
"$AG/venv/bin/python" -m pip install -q --upgrade pip
# The grader from the wheel in this zip; its dependencies under the course's pins.
"$AG/venv/bin/python" -m pip install -q -c constraints.txt ./*.whl
echo "setup: done"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission; it writes $AG/results/results.json.
AG="${{AUTOGRADER:-/autograder}}"
mkdir -p "$AG/results"
exec "$AG/venv/bin/grader" --bank "$AG/source/bank" gradescope-run \\
  --assignment {assignment} --submission "$AG/submission" --results "$AG/results/results.json" \\
  --hints {hints} --hidden-visibility {visibility} --lang {lang}
"""


class AutograderProblem(Exception):
    """The autograder zip cannot be built as asked."""


def project_root() -> Path:
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").exists():
        raise AutograderProblem(
            f"{root}: no pyproject.toml; build the autograder from a checkout of the grader"
        )
    return root


def build_autograder(
    bank: Bank,
    assignment: str,
    out: Path,
    *,
    hints: str = "show",
    hidden_visibility: str = "after_published",
    lang: str = "en",
) -> list[str]:
    """Write the zip; returns the names it holds."""
    root = project_root()
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "source"
        stage.mkdir()
        # The wheel is built from a copy, so that the checkout gets no build/ folder.
        project = Path(tmp) / "project"
        project.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, project / name)
        shutil.copytree(
            root / "grader", project / "grader", ignore=shutil.ignore_patterns("__pycache__")
        )
        built = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "-q",
                "--no-deps",
                "-w",
                str(stage),
                str(project),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if built.returncode != 0:
            raise AutograderProblem(f"building the grader's wheel failed: {built.stderr[-500:]}")
        shutil.copy(root / "constraints.txt", stage / "constraints.txt")
        _copy_assignment(bank, assignment, stage)
        (stage / "setup.sh").write_text(SETUP_SH, encoding="utf-8")
        (stage / "run_autograder").write_text(
            RUN_AUTOGRADER.format(
                assignment=assignment, hints=hints, visibility=hidden_visibility, lang=lang
            ),
            encoding="utf-8",
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        names = []
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(stage.rglob("*")):
                if path.is_dir() or "__pycache__" in path.parts:
                    continue
                name = str(path.relative_to(stage))
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                executable = name in ("setup.sh", "run_autograder")
                info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
                names.append(name)
    return names


def _copy_assignment(bank: Bank, assignment: str, stage: Path) -> None:
    """The bank's topics, this assignment and its questions, and their references."""
    (stage / "bank" / "assignments").mkdir(parents=True)
    (stage / "solutions").mkdir()
    shutil.copy(bank.root / "topics.yaml", stage / "bank" / "topics.yaml")
    shutil.copy(bank.assignments[assignment].path, stage / "bank" / "assignments")
    for question in bank.assignment_questions(assignment):
        target = stage / "bank" / question.directory.relative_to(bank.root)
        shutil.copytree(question.directory, target, ignore=shutil.ignore_patterns("__pycache__"))
        if question.solution_path.exists():
            shutil.copy(question.solution_path, stage / "solutions" / question.solution_path.name)


def run_in_gradescope(
    bank: Bank,
    assignment: str,
    submission_dir: Path,
    results: Path,
    *,
    hints: str = "show",
    hidden_visibility: str = "after_published",
    lang: str = "en",
) -> dict[str, Any]:
    """Grade the one notebook of `submission_dir`; write and return results.json. Whatever
    goes wrong, results.json is written, saying what happened (Gradescope shows a missing one
    as an opaque failure)."""
    from ..grade import Grader
    from ..submission import NotebookProblem, load_submission
    from .gradescope import gradescope_results_of, validate

    started = time.perf_counter()
    notebooks = sorted(
        p for p in submission_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    data: dict[str, Any]
    if len(notebooks) != 1:
        found = ", ".join(p.name for p in notebooks) or "none"
        data = _failure(
            f"Upload exactly one notebook (.ipynb); found {len(notebooks)}: {found}.", started
        )
    else:
        try:
            submission = load_submission(notebooks[0])
        except NotebookProblem as exc:
            data = _failure(f"This notebook could not be graded: {exc}", started)
        else:
            try:
                with Grader(bank, assignment, hints=hints) as grader:
                    result = grader.grade(submission)
                data = gradescope_results_of(
                    result, None, hidden_visibility=hidden_visibility, lang=lang
                )
                data["output"] = "\n".join([data["output"], *_notes(result)])
            except Exception as exc:  # the grader's own failure: say so, never crash silently
                data = _failure(
                    f"The autograder failed ({type(exc).__name__}: {exc}); tell your instructor.",
                    started,
                )
    validate(data)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def _failure(message: str, started: float) -> dict[str, Any]:
    return {
        "score": 0.0,
        "execution_time": round(time.perf_counter() - started, 3),
        "output": message,
        "visibility": "visible",
        "tests": [],
    }


def _notes(result: dict[str, Any]) -> list[str]:
    """The cells that did not run cleanly, and the isolation when it is not the full one."""
    lines = []
    for cell in result["cells"]:
        if cell["status"] in ("error", "timeout", "crashed"):
            error = cell.get("error") or {}
            lines.append(
                f"Cell {cell['index'] + 1}: {cell['status']}: "
                f"{error.get('type', '')}: {error.get('message', '')}".rstrip(": ")
            )
    isolation = result.get("isolation", {})
    missing = isolation.get("missing") or []
    if missing:
        lines.append(
            f"Isolation: {isolation.get('mechanism', '?')}, without {', '.join(missing)} "
            "(this container does not allow more; the checks still run outside your code)"
        )
    return lines
