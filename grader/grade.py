"""Grade submissions: the `Grader` (bank, assignment, engine, limits, devices), the one way
anything grades, and `grade_submission`, which it runs for each notebook: the cells in the
sandbox, the checks in the judge, the result. Everything that decides a score happens here, in
the grader's process.

    with Grader(bank, "preliminaries-core") as grader:   # opens the engine
        result = grader.grade(load_submission(path))      # a validated result dict
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from . import __version__
from .bank.loader import schema
from .bank.model import Bank, Question
from .bank.variants import draw_index, identity_problem
from .execute import (
    CELL_PROBLEMS,
    CellRecord,
    NotebookRun,
    Watchdog,
    checked_name,
    expired_message,
    seed_prefix,
)
from .judge.grading import QuestionResult, grade_questions
from .judge.runner import RunOptions
from .judge.student import Student
from .sandbox import cuda_device_files
from .sandbox.base import Engine, Isolation, Limits
from .submission import Submission, answer_cell

HINTS = ("show", "hide")
MAX_ANSWER_CHARS = 20_000


class GraderSetupError(Exception):
    """The grader cannot start as asked (bad input, not a failure of the grader): the commands
    print it as one line and exit 2."""


class DeviceUnavailable(GraderSetupError):
    """--device cuda on a machine without CUDA."""


class UnknownAssignment(GraderSetupError):
    """The bank has no assignment of that name."""


class VariantsNeedIdentity(GraderSetupError):
    """A variant assignment was graded without the student id or without the course secret."""


def check_variant_identity(
    bank: Bank, assignment: str, student: str | None, secret: bytes | None
) -> bool:
    """Whether `assignment` draws variants; raises VariantsNeedIdentity when it does and the
    student id or the course secret is missing."""
    drawn = bank.assignments[assignment].variants if assignment in bank.assignments else False
    problem = identity_problem(drawn, assignment, student, secret)
    if problem:
        raise VariantsNeedIdentity(problem)
    return drawn


def question_variants(
    bank: Bank,
    assignment: str,
    questions: list[Question],
    student: str | None,
    secret: bytes | None,
) -> dict[str, dict[str, Any]]:
    """Each question's variant for this student: drawn from the secret on an assignment with
    `variants: true`, the default (first) variant elsewhere. The id comes from the grading
    source (a file name, the nbgrader tree, --student), never from the notebook."""
    drawn = check_variant_identity(bank, assignment, student, secret)
    chosen = {}
    for question in questions:
        if not question.variants:
            continue
        index = (
            draw_index(secret, assignment, question.id, student, question.variant_count)
            if drawn and secret and student
            else 0
        )
        chosen[question.id] = question.variant(index)
    return chosen


class EngineCannotStart(GraderSetupError):
    """The engine cannot run here."""


class StrictIsolation(EngineCannotStart):
    """--strict-isolation, and the sandbox here is weaker than full isolation."""


@dataclass
class DevicePlan:
    requested: str
    devices: tuple[str, ...]
    cuda_available: bool
    skip_reason: dict[str, str]


def plan_devices(requested: str) -> DevicePlan:
    import torch

    cuda = bool(torch.cuda.is_available())
    if requested == "cuda" and not cuda:
        raise DeviceUnavailable(
            "--device cuda was asked for, but this machine has no usable CUDA device"
        )
    use_cuda = requested == "cuda" or (requested == "auto" and cuda)
    reason = {}
    if not use_cuda:
        reason["cuda"] = (
            "skipped: no CUDA device on this runner"
            if not cuda
            else "skipped: grading on the CPU only (--device cpu)"
        )
    return DevicePlan(requested, ("cpu", "cuda") if use_cuda else ("cpu",), cuda, reason)


def grade_submission(
    submission: Submission,
    bank: Bank,
    assignment: str,
    engine: Engine,
    limits: Limits | None = None,
    devices: DevicePlan | None = None,
    *,
    public_only: bool = False,
    question_ids: list[str] | None = None,
    diagnose: bool = True,
    hints: str = "show",
    student: str | None = None,
    secret: bytes | None = None,
    variants: dict[str, dict[str, Any]] | None = None,
    roster: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Grade `submission` on `assignment` (or only `question_ids` of the bank, for bank self-tests).

    `student` and `secret` draw each question's variant on a variant assignment (see
    `question_variants`); `variants` gives them instead (the bank's selftest).

    `public_only` runs just the checks the student can see (a student's self-check in CI); the
    result's `max_score` then counts public checks only and `checks` says so. `diagnose` matches
    each question that lost points against the bank's known mistakes; `hints` ("show" or "hide")
    says whether reports show the student a diagnosis's hint (it is stored either way).
    """
    if hints not in HINTS:
        raise ValueError(f"hints must be one of {', '.join(HINTS)}, not {hints!r}")
    limits = limits or Limits()
    devices = devices or plan_devices("auto")
    started = time.perf_counter()
    selected = (
        [bank.questions[qid] for qid in question_ids]
        if question_ids is not None
        else bank.assignment_questions(assignment)
    )
    if variants is None:
        variants = question_variants(bank, assignment, selected, student, secret)
    selected = [q.rendered(variants[q.id]) if q.id in variants else q for q in selected]
    seed = bank.assignments[assignment].intercell_seed if assignment in bank.assignments else None
    prefix = seed_prefix(seed["seed"], seed.get("variable")) if seed else ""
    at_check = {q.check_name: q for q in selected if q.graded_at == "check"}
    checked = {checked_name(source) for _, source in submission.code_cells} & set(at_check)
    run = NotebookRun(
        engine,
        submission.code_cells,
        limits,
        snapshots={name: at_check[name].snapshot_names for name in checked},
        cell_prefix=prefix,
    )
    engine.prepare([source for _, source in run.cells], meta=any(map(uses_meta_device, selected)))
    watchdog = Watchdog(limits.grading_budget, run.expire)
    try:
        with watchdog:
            records, questions, executed = _run_and_check(
                run,
                submission,
                bank,
                assignment,
                limits,
                RunOptions(
                    devices=devices.devices,
                    skip_reason=devices.skip_reason,
                    public_only=public_only,
                    diagnose=diagnose,
                    scopes={at_check[name].id: name for name in checked},
                    prelude=prefix,
                    variants=variants,
                ),
                selected,
            )
    finally:
        run.close()
    finished = time.perf_counter()
    answers = [q.as_dict() for q in questions]
    for question in answers:
        if question["id"] in variants:
            question["variant"] = variants[question["id"]]
        # Each question's answer cell, as data (nothing ever runs it from here): the
        # similarity report compares them; a wrong answer no known mistake explains also keeps
        # it as `answer`, which `grader bank mine` turns into draft mutants.
        known = bank.questions.get(question["id"])
        names = [d.name for d in known.defines] if known else []
        code = answer_cell(submission, question["id"], names)
        if not code:
            continue
        question["code"] = code[:MAX_ANSWER_CHARS]
        if question["score"] < question["max_score"] and not question["diagnosis"]:
            question["answer"] = code[:MAX_ANSWER_CHARS]
    notes = []
    if student is not None and roster is not None and student not in roster:
        notes.append(f"student id {student!r} is not in the roster: graded, but check who this is")
    if run.expired:
        notes.append(expired_message(limits.grading_budget))
    if submission.nbformat_converted_from is not None:
        notes.append(
            f"the notebook was converted from nbformat {submission.nbformat_converted_from} to 4"
        )
    result = {
        "schema_version": 1,
        "grader_version": __version__,
        "assignment": assignment,
        "submission": str(submission.path),
        "submission_sha256": submission.sha256,
        **({"student": student} if student else {}),
        "status": "graded",
        "score": round(sum(q.score for q in questions), 6),
        "max_score": round(sum(q.max_score for q in questions), 6),
        "seed": submission.sha256,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "checks": "public" if public_only else "all",
        "hints": hints,
        **({"lang": submission.lang} if submission.lang else {}),
        "questions": answers,
        "cells": [r.as_dict() for r in records],
        "engine": engine.name,
        "devices": {
            "requested": devices.requested,
            "graded_on": list(devices.devices),
            "cuda_available": devices.cuda_available,
        },
        "isolation": engine.isolation().as_dict(),
        "timings": {
            "total_s": round(finished - started, 4),
            "execute_s": round(executed - started, 4),
            "checks_s": round(finished - executed, 4),
            "restarts": run.restarts,
        },
        "notes": notes,
    }
    return result


def uses_meta_device(question: Question) -> bool:
    """Whether the question's checks pass tensors on the meta device (the student's code then
    pays the meta device's first use, ~1 s, unless the sandbox warmed it)."""
    return _mentions_meta_device(question.directory / "checks.py")


@functools.cache
def _mentions_meta_device(checks: Path) -> bool:
    try:
        return re.search(r"""["']meta["']""", checks.read_text(encoding="utf-8")) is not None
    except OSError:
        return False


def _run_and_check(
    run: NotebookRun,
    submission: Submission,
    bank: Bank,
    assignment: str,
    limits: Limits,
    options: RunOptions,
    selected: list[Question],
) -> tuple[list[CellRecord], list[QuestionResult], float]:
    """The cells in the sandbox, then the checks in the judge: (cell records, question
    results, when the cells ended)."""
    records = run.execute()
    executed = time.perf_counter()
    student = Student(
        run.session, limits.call_timeout, limits.max_message_bytes, on_session_lost=run.lost
    )
    return records, grade_questions(selected, student, submission.sha256, options), executed


@functools.cache
def result_validator() -> Callable[[dict[str, Any]], Any]:
    """Check a result against result.schema.json, fast: a batch validates every result.
    `jsonschema.validate` re-checks the schema on each call (~16 ms per result); fastjsonschema
    (a dependency of nbformat) compiles the schema once to Python code (~1 ms). Both raise on an
    invalid result."""
    result_schema = schema("result")
    try:
        import fastjsonschema

        return fastjsonschema.compile(result_schema)
    except Exception:  # not installed, or a schema feature it lacks: the reference validator
        return jsonschema.validators.validator_for(result_schema)(result_schema).validate


def validate_result(result: dict[str, Any]) -> None:
    result_validator()(result)


def summary_lines(result: dict[str, Any], bank: Bank, lang: str | None = None) -> list[str]:
    """A short human summary: per question score/max, the known mistake an answer behaves like,
    and what failed, each cause once (never expected values). In `lang`, else the notebook's
    language, else English."""
    from .resultview import (
        check_label,
        diagnosis_text,
        failure_groups,
        result_hints,
        skipped_notes,
        words,
    )

    lang = lang or result.get("lang") or "en"
    said = words(lang)
    lines = []
    for question in result["questions"]:
        known = bank.questions.get(question["id"])
        title = known.title.get(lang, known.title["en"]) if known else ""
        lines.append(
            f"{question['id']:<20} {question['score']:g}/{question['max_score']:g}  {title}"
        )
        diagnosis = diagnosis_text(question, lang, result_hints(result))
        if diagnosis is not None:
            lines.append(f"    ⚑ {said['diagnosis']}{said['colon']}{diagnosis.mistake}")
            if diagnosis.hint:
                lines.append(f"      {said['hint']}{said['colon']}{diagnosis.hint}")
            elif diagnosis.hint_hidden:
                lines.append(f"      {said['hint_hidden']}")
        for group in failure_groups(question["checks"], lang):
            message = group.message.strip().splitlines()
            first = message[0] if message else ""
            name = check_label(group.checks[0], lang)
            more = (
                f" ({said['covers'].format(n=len(group.checks))})" if len(group.checks) > 1 else ""
            )
            lines.append(f"    ✗ {name} [{group.status}] {first}{more}")
        lines += [f"    – {note}" for note in skipped_notes(question["checks"], lang)]
    bad_cells = [c for c in result["cells"] if c["status"] in CELL_PROBLEMS]
    for cell in bad_cells:
        error = cell["error"] or {}
        lines.append(
            f"{said['cell']} {cell['index'] + 1}: {cell['status']}: {error.get('type', '')}: "
            f"{str(error.get('message', ''))[:120]}"
        )
    lines.append(f"{said['total']} {result['score']:g}/{result['max_score']:g}")
    return lines


def write_result(result: dict[str, Any], path: Path) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def require_assignment(bank: Bank, name: str) -> None:
    problem = bank.missing_assignment(name)
    if problem:
        raise UnknownAssignment(problem)


# What the bank's checks import on first use, inside torch: torch.broadcast_shapes and the
# symbolic-shape code behind some torch functions import sympy (~0.5 s, measured in
# docs/performance.md). Imported while the sandbox starts, on the other core, rather than
# during the first grading.
JUDGE_LAZY_IMPORTS = ("torch.fx.experimental.symbolic_shapes",)


def warm_judge_in_background(bank: Bank, assignment: str) -> None:
    """Import JUDGE_LAZY_IMPORTS in a daemon thread, for an assignment with questions written
    for the bank (an otter-imported one runs no torch in the judge). The first grading waits
    for an import still under way through Python's import lock, so this never changes what
    is graded, only when the cost is paid."""
    if not any(q.written_for_bank for q in bank.assignment_questions(assignment)):
        return

    def warm() -> None:
        for module in JUDGE_LAZY_IMPORTS:
            try:
                importlib.import_module(module)
            except Exception:  # another torch layout: the first grading imports what it needs
                pass

    threading.Thread(target=warm, name="judge-warm-up", daemon=True).start()


class Grader:
    """Grades notebooks of one assignment: the CLI, `grader ci`, the bank's selftest, batch
    workers and every later front end build one of these; nothing else opens engines or
    validates results.

    `engine` is an engine name (the Grader opens it, and closes it in `close()`) or an open
    `Engine` shared with others (left open). The engine's sandbox is launched first, so that it
    imports torch while this process loads the bank and plans the devices. Setup problems raise
    `GraderSetupError`; a broken bank raises `BankError`.
    """

    def __init__(
        self,
        bank: Bank | None,
        assignment: str | None,
        *,
        engine: str | Engine = "fork",
        isolation: str = "auto",
        strict_isolation: bool = False,
        device: str = "auto",
        limits: Limits | None = None,
        batch: bool = False,
        bank_root: Path | None = None,
        diagnose: bool = True,
        hints: str = "show",
        secret: bytes | None = None,
        roster: frozenset[str] | None = None,
        own_engine: bool | None = None,
        one_notebook: list[str] | None = None,
    ) -> None:
        """`own_engine`: close the engine passed in `close()` (default: only one it made from a
        name); `one_notebook`: the code cells of the only notebook it will grade, so that its
        engine starts lean (sandbox.make_engine)."""
        if hints not in HINTS:
            raise GraderSetupError(f"--hints must be one of {', '.join(HINTS)}, not {hints!r}")
        self.assignment = assignment
        self.secret = secret  # the course secret that draws variants (never sent anywhere)
        self.roster = roster  # the class's student ids, when known: others are flagged
        self.diagnose = diagnose
        self.hints = hints
        self.limits = limits or Limits()
        self.isolation_wanted = isolation
        self.strict_isolation = strict_isolation
        self.batch = batch
        self.owns_engine = isinstance(engine, str) if own_engine is None else own_engine
        self.one_notebook = one_notebook
        self.engine_name = engine if isinstance(engine, str) else engine.name
        self.engine: Engine | None = None if isinstance(engine, str) else engine
        try:
            if self.engine is None:
                self._launch_engine(gpu=device != "cpu" and cuda_device_files())
            if bank is None:
                from .bank.loader import load_bank_or_raise

                bank = load_bank_or_raise(bank_root)
            if assignment is not None:
                require_assignment(bank, assignment)
            self.bank = bank
            self.devices = plan_devices(device)
            self._open_engine()
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def _engine_cannot_start(self) -> Iterator[None]:
        """An engine that fails to make, launch or start its sandbox is a setup problem."""
        from .sandbox.base import EngineUnavailable

        try:
            yield
        except (EngineUnavailable, RuntimeError) as exc:
            raise EngineCannotStart(
                f"the {self.engine_name} engine cannot start here: {exc}"
            ) from None

    def _launch_engine(self, gpu: bool) -> None:
        from .sandbox import make_engine

        with self._engine_cannot_start():
            self.engine = make_engine(
                self.engine_name,
                isolation=self.isolation_wanted,
                gpu=gpu,
                batch=self.batch,
                one_notebook=self.one_notebook,
            )
            self.engine.launch()

    def _open_engine(self) -> None:
        """The engine, ready, for the planned devices, with the isolation asked for."""
        gpu = "cuda" in self.devices.devices
        if self.owns_engine and self.engine is not None and getattr(self.engine, "gpu", gpu) != gpu:
            self.engine.close()  # launched for the wrong devices: /dev/nvidia* without CUDA
            self.engine = None
        if self.engine is None:
            self._launch_engine(gpu)
        assert self.engine is not None
        if self.assignment is not None:
            warm_judge_in_background(self.bank, self.assignment)
        with self._engine_cannot_start():
            isolation = self.engine.isolation()  # waits for it: fail before the first grade
        if self.strict_isolation and not isolation.full:
            raise StrictIsolation(
                "--strict-isolation: the sandbox lacks " + "; ".join(isolation.missing)
            )

    def grade(
        self,
        submission: Submission,
        *,
        public_only: bool = False,
        question_ids: list[str] | None = None,
        assignment: str | None = None,
        student: str | None = None,
        variants: dict[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The validated result of one submission. A failure of the grader itself raises; the
        engine, which it may have left wedged, is then replaced before the next submission.

        `assignment` grades against another assignment of the bank than the Grader's (the
        bank's selftest grades every assignment with one engine); with `question_ids`, only
        those questions are graded and `assignment` is just the name the result records."""
        assignment = assignment or self.assignment
        if assignment is None:
            raise ValueError("this Grader has no assignment: name one")
        try:
            if self.engine is None:
                self._open_engine()
            assert self.engine is not None
            result = grade_submission(
                submission,
                self.bank,
                assignment,
                self.engine,
                self.limits,
                self.devices,
                public_only=public_only,
                question_ids=question_ids,
                diagnose=self.diagnose,
                hints=self.hints,
                student=student,
                secret=self.secret,
                variants=variants,
                roster=self.roster,
            )
            validate_result(result)
        except GraderSetupError:
            raise
        except Exception:
            if self.owns_engine:
                self._close_engine()
            raise
        return result

    def isolation(self) -> Isolation:
        """What the sandbox really has (recorded in every result)."""
        if self.engine is None:
            self._open_engine()
        assert self.engine is not None
        return self.engine.isolation()

    def _close_engine(self) -> None:
        engine, self.engine = self.engine, None
        if engine is not None and self.owns_engine:
            try:
                engine.close()
            except Exception:
                pass

    def close(self) -> None:
        self._close_engine()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
