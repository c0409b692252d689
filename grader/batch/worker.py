"""What a batch worker does: keep one engine warm and grade submission bytes with it.

Used by both the local worker pool and Dask workers. A worker is a grader process (trusted):
student code runs only in the engine's sandbox children, never here. What goes back to the
batch's parent is plain JSON text, never a pickled object built from student data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..sandbox.base import Limits


@dataclass(frozen=True)
class GradeConfig:
    """Everything a worker needs to grade, as plain data (it travels to other processes)."""

    assignment: str
    bank_root: str | None = None
    engine: str = "fork"
    isolation: str = "auto"
    device: str = "auto"
    strict_isolation: bool = False  # refuse to grade unless the sandbox is fully isolated
    limits: dict[str, Any] = field(default_factory=lambda: asdict(Limits()))
    diagnose: bool = True  # match wrong answers against the bank's known mistakes
    hints: str = "show"  # show or hide a diagnosis's hint in what students read
    secret: str | None = None  # the course secret, for variant assignments (never stored)
    roster: list[str] | None = None  # the class's ids: a submission of another id is flagged

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def outcome_ok(result: dict[str, Any]) -> dict[str, Any]:
    return {"result": json.dumps(result, ensure_ascii=False)}


def outcome_error(message: str) -> dict[str, Any]:
    return {"error": " ".join(message.split())}


class WorkerGrader:
    """One warm Grader (torch imported once) for every submission this worker grades."""

    def __init__(self, config: GradeConfig) -> None:
        from ..grade import Grader

        self.config = config
        self.grader = Grader(
            None,
            config.assignment,
            engine=config.engine,
            isolation=config.isolation,
            strict_isolation=config.strict_isolation,
            device=config.device,
            limits=Limits(**config.limits),
            batch=True,
            bank_root=Path(config.bank_root) if config.bank_root else None,
            diagnose=config.diagnose,
            hints=config.hints,
            secret=config.secret.encode("utf-8") if config.secret else None,
            roster=frozenset(config.roster) if config.roster is not None else None,
        )
        self.bank = self.grader.bank

    def grade(
        self, label: str, data: bytes, student: str | None = None, assignment: str | None = None
    ) -> dict[str, Any]:
        """{"result": JSON text} or {"error": one line}; never raises for a bad submission."""
        from ..submission import NotebookProblem, parse_submission

        try:
            submission = parse_submission(data, Path(label))
        except NotebookProblem as exc:
            return outcome_error(str(exc))
        try:
            result = self.grader.grade(submission, student=student, assignment=assignment)
        except Exception as exc:  # the grader failed on this one: record it, keep going
            return outcome_error(f"{label}: the grader failed: {type(exc).__name__}: {exc}")
        return outcome_ok(result)

    def close(self) -> None:
        self.grader.close()
