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

from ..sandbox.base import Engine, Limits


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

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def outcome_ok(result: dict[str, Any]) -> dict[str, Any]:
    return {"result": json.dumps(result, ensure_ascii=False)}


def outcome_error(message: str) -> dict[str, Any]:
    return {"error": " ".join(message.split())}


class StrictIsolation(RuntimeError):
    """--strict-isolation and the sandbox here is weaker than full isolation."""


class WorkerGrader:
    """One warm engine (torch imported once) for every submission this worker grades."""

    def __init__(self, config: GradeConfig) -> None:
        self.config = config
        # The sandbox starts first: its zygote imports torch while this process does (below).
        self.engine: Engine | None = None
        self._launch_engine(gpu=config.device != "cpu" and Path("/dev/nvidiactl").exists())
        try:
            from ..bank.loader import load_bank
            from ..grade import plan_devices, result_validator

            bank, problems = load_bank(Path(config.bank_root) if config.bank_root else None)
            if problems:
                raise RuntimeError(
                    f"the bank has {len(problems)} problem(s); run grader bank validate"
                )
            if config.assignment not in bank.assignments:
                raise RuntimeError(f"unknown assignment {config.assignment!r}")
            self.bank = bank
            self.devices = plan_devices(config.device)
            self.limits = Limits(**config.limits)
            self._validate = result_validator()
            self._open_engine()
        except BaseException:
            self.close()
            raise

    def _launch_engine(self, gpu: bool) -> None:
        from ..sandbox import make_engine

        self.engine = make_engine(
            self.config.engine, isolation=self.config.isolation, gpu=gpu, batch=True
        )
        self.engine.launch()

    def _open_engine(self) -> None:
        gpu = "cuda" in self.devices.devices
        if self.engine is not None and getattr(self.engine, "gpu", gpu) != gpu:
            self.engine.close()  # launched for the wrong devices: /dev/nvidia* without CUDA
            self.engine = None
        if self.engine is None:
            self._launch_engine(gpu)
        assert self.engine is not None
        isolation = self.engine.isolation()  # waits for it: fail before the first grade
        if self.config.strict_isolation and not isolation.full:
            self.engine.close()
            self.engine = None
            raise StrictIsolation(
                "--strict-isolation: the sandbox lacks " + "; ".join(isolation.missing)
            )

    def grade(self, label: str, data: bytes) -> dict[str, Any]:
        """{"result": JSON text} or {"error": one line}; never raises for a bad submission."""
        from ..grade import grade_submission
        from ..submission import NotebookProblem, parse_submission

        try:
            submission = parse_submission(data, Path(label))
        except NotebookProblem as exc:
            return outcome_error(str(exc))
        try:
            if self.engine is None:
                self._open_engine()
            result = grade_submission(
                submission,
                self.bank,
                self.config.assignment,
                self.engine,
                self.limits,
                self.devices,
            )
            self._validate(result)
        except Exception as exc:  # the grader failed on this one: record it, keep going
            self._reset_engine()
            return outcome_error(f"{label}: the grader failed: {type(exc).__name__}: {exc}")
        return outcome_ok(result)

    def _reset_engine(self) -> None:
        """After a grader failure the engine may be wedged; the next submission gets a new one."""
        engine, self.engine = self.engine, None
        if engine is not None:
            try:
                engine.close()
            except Exception:
                pass

    def close(self) -> None:
        self._reset_engine()
