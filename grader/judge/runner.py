"""Collect checks (hidden pytest-style functions and public doctests) and run them in the judge.

This is a small pytest-compatible subset, not pytest itself: collecting with pytest costs
hundreds of milliseconds per submission, and its assertion rewriting would print the hidden
expected values into the feedback. What is kept: `test_*` functions, fixtures by argument name,
`pytest.mark.parametrize` (stacked, with ids and `pytest.param`), plain `assert`.
"""

from __future__ import annotations

import copy
import doctest
import hashlib
import importlib.util
import inspect
import itertools
import linecache
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..sandbox.base import CallTimeout, SandboxCrashed
from .api import FIXTURE_ATTR, POINTS_ATTR
from .assertions import CheckFailed, zh_of
from .student import Student, StudentCodeProblem

BUILTIN_FIXTURES = ("student", "rng", "seed", "device", "variant")
DEVICES = ("cpu", "cuda")


@dataclass
class Check:
    """One case of one check, ready to run."""

    question_id: str
    name: str  # "test_values[2-3]" or "public: small grid"
    points: float
    visibility: str  # visible | hidden
    runner: Callable[[dict[str, Any]], None]
    device: str | None = None
    description: str = ""  # the docstring's first line: what the check proves
    description_zh: str = ""  # its "zh:" line, where the check file gives one
    # Draws from the seed (takes `rng` or `seed`, itself or through its fixtures): what it sends
    # the student's code differs from one submission to the next.
    seeded: bool = False

    @property
    def key(self) -> str:
        return f"{self.question_id}::{self.name}"


@dataclass
class CheckResult:
    name: str
    score: float
    max_score: float
    status: str  # passed | failed | error | timeout | skipped
    visibility: str
    message: str = ""  # English
    seconds: float = 0.0
    device: str | None = None
    lost_session: bool = False  # the student's process hung or died during this check
    message_zh: str | None = None  # the message in Chinese, where it differs
    title: dict[str, str] | None = None  # {"en", "zh"}: what the check proves, when known

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "visibility": self.visibility,
            "message": self.message,
        }
        if self.message_zh is not None and self.message_zh != self.message:
            out["message_zh"] = self.message_zh
        if self.title:
            out["title"] = self.title
        if self.device:
            out["device"] = self.device
        return out


class CheckFileError(Exception):
    """A hidden-check file could not be loaded (a bank problem, not a student problem)."""


# ---------------------------------------------------------------------------------------------
# Collecting hidden checks
# ---------------------------------------------------------------------------------------------


_module_cache: dict[tuple[str, float], Any] = {}


def load_check_module(path: Path, question_id: str) -> Any:
    """Import a bank check file (trusted code), cached by path and modification time."""
    key = (str(path), path.stat().st_mtime)
    if key in _module_cache:
        return _module_cache[key]
    name = "grader_bank_checks." + question_id.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CheckFileError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception as exc:
        raise CheckFileError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc
    finally:
        sys.modules.pop(name, None)
    _module_cache[key] = module
    return module


def _fixture_functions(module: Any) -> dict[str, Callable[..., Any]]:
    fixtures = {}
    for name, obj in vars(module).items():
        if getattr(obj, FIXTURE_ATTR, False):
            fixtures[name] = obj
        elif type(obj).__name__ == "FixtureFunctionDefinition":  # pytest >= 8.4
            fixtures[getattr(obj, "name", name) or name] = obj._get_wrapped_function()
    return fixtures


def _parametrize_cases(function: Callable[..., Any]) -> list[tuple[str, dict[str, Any]]]:
    """[(id, {argname: value})] from stacked pytest.mark.parametrize marks."""
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        return [("", {})]
    axes = []
    for mark in reversed(marks):  # decorators apply bottom-up; pytest lists the closest first
        argnames, argvalues = mark.args[0], mark.args[1]
        names = (
            [n.strip() for n in argnames.split(",")]
            if isinstance(argnames, str)
            else list(argnames)
        )
        ids = mark.kwargs.get("ids")
        cases = []
        for index, raw in enumerate(argvalues):
            case_id = None
            if type(raw).__name__ == "ParameterSet":
                case_id, raw = raw.id, raw.values
                if len(names) == 1:
                    raw = raw[0]
            values = (raw,) if len(names) == 1 else tuple(raw)
            if ids is not None and not callable(ids):
                case_id = str(ids[index])
            if case_id is None:
                case_id = "-".join(_id_for(v, n, index) for v, n in zip(values, names, strict=True))
            cases.append((case_id, dict(zip(names, values, strict=True))))
        axes.append(cases)
    combined = []
    for combo in itertools.product(*axes):
        combined.append(
            ("-".join(c[0] for c in combo), {k: v for c in combo for k, v in c[1].items()})
        )
    return combined


def _id_for(value: Any, name: str, index: int) -> str:
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value)
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return "x".join(str(v) for v in value) or "()"
    return f"{name}{index}"


def collect_hidden_checks(question_id: str, path: Path) -> list[Check]:
    module = load_check_module(path, question_id)
    fixtures = _fixture_functions(module)
    checks: list[Check] = []
    for name, function in vars(module).items():
        if not name.startswith("test_") or not inspect.isfunction(function):
            continue
        if function.__module__ != module.__name__:
            continue
        weight = getattr(function, POINTS_ATTR, 1.0)
        argnames = list(inspect.signature(function).parameters)
        seeded = _uses_seed(argnames, fixtures)
        description, description_zh = describe_check(inspect.getdoc(function) or "")
        for case_id, params in _parametrize_cases(function):
            devices: tuple[str | None, ...] = (None,)
            if "device" in argnames and "device" not in params:
                devices = DEVICES
            for device in devices:
                parts = [p for p in (case_id, device) if p]
                full_name = name + (f"[{'-'.join(parts)}]" if parts else "")
                checks.append(
                    Check(
                        question_id=question_id,
                        name=full_name,
                        points=weight,
                        # A generated check file may mark a case the student also sees (an
                        # imported otter case that was public there).
                        visibility=getattr(function, "__grader_visibility__", "hidden"),
                        runner=_make_hidden_runner(function, argnames, params, fixtures, device),
                        device=device or params.get("device"),
                        description=description,
                        description_zh=description_zh,
                        seeded=seeded,
                    )
                )
    if not checks:
        raise CheckFileError(f"{path}: defines no test_* functions")
    return checks


def _uses_seed(
    argnames: list[str], fixtures: dict[str, Callable[..., Any]], seen: frozenset[str] = frozenset()
) -> bool:
    for name in argnames:
        if name in ("rng", "seed"):
            return True
        if name in fixtures and name not in seen:
            deps = list(inspect.signature(fixtures[name]).parameters)
            if _uses_seed(deps, fixtures, seen | {name}):
                return True
    return False


def describe_check(doc: str) -> tuple[str, str]:
    """(English, Chinese) title of a check from its docstring: the first paragraph up to its
    "zh:" line (a sentence may wrap over lines), and from the first "zh:" line to the end of
    that paragraph (empty where there is none)."""
    paragraphs = [p.strip().splitlines() for p in re.split(r"\n\s*\n", doc.strip())]
    first = [line.strip() for line in paragraphs[0]] if paragraphs else []
    english = " ".join(itertools.takewhile(lambda line: not _is_zh(line), first))
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph]
        start = next((i for i, line in enumerate(lines) if _is_zh(line)), None)
        if start is not None:
            return english, _join_wrapped([lines[start][3:].strip(), *lines[start + 1 :]])
    return english, ""


def _join_wrapped(lines: list[str]) -> str:
    """Lines of one wrapped sentence: Chinese joins without a space, other text with one."""
    text = ""
    for line in lines:
        if text and line and not (text[-1].isascii() or line[0].isascii()):
            text += line
        else:
            text = f"{text} {line}".strip()
    return text


def _is_zh(line: str) -> bool:
    return line.lower().startswith("zh:")


def _make_hidden_runner(
    function: Callable[..., Any],
    argnames: list[str],
    params: dict[str, Any],
    fixtures: dict[str, Callable[..., Any]],
    device: str | None,
) -> Callable[[dict[str, Any]], None]:
    def run(context: dict[str, Any]) -> None:
        values = dict(context)
        if device is not None:
            values["device"] = device
        values.update(params)
        kwargs = {name: _resolve(name, values, fixtures, set()) for name in argnames}
        function(**kwargs)

    return run


def _resolve(
    name: str, values: dict[str, Any], fixtures: dict[str, Callable[..., Any]], seen: set[str]
) -> Any:
    if name in values:
        return values[name]
    if name not in fixtures:
        raise CheckFileError(f"unknown fixture {name!r}")
    if name in seen:
        raise CheckFileError(f"fixture {name!r} depends on itself")
    function = fixtures[name]
    deps = inspect.signature(function).parameters
    value = function(**{dep: _resolve(dep, values, fixtures, seen | {name}) for dep in deps})
    values[name] = value
    return value


# ---------------------------------------------------------------------------------------------
# Public checks: doctests evaluated in the judge
# ---------------------------------------------------------------------------------------------

DOCTEST_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
MAX_LINECACHE_FILES = 24


class _CollectingRunner(doctest.DocTestRunner):
    def __init__(self) -> None:
        super().__init__(optionflags=DOCTEST_FLAGS, verbose=False)
        self.problems: list[tuple[str, str]] = []  # (English, Chinese)

    def report_failure(self, out: Any, test: Any, example: Any, got: str) -> None:
        source = f">>> {example.source.strip()}\n"
        self.problems.append(
            (
                f"{source}Expected:\n{_indent(example.want)}Got:\n{_indent(got)}",
                f"{source}期望输出：\n{_indent(example.want)}实际输出：\n{_indent(got)}",
            )
        )

    def report_unexpected_exception(self, out: Any, test: Any, example: Any, exc_info: Any) -> None:
        exc = exc_info[1]
        if isinstance(exc, (CallTimeout, SandboxCrashed)):
            raise exc
        source = f">>> {example.source.strip()}\n"
        if isinstance(exc, StudentCodeProblem):
            self.problems.append((f"{source}{exc}", f"{source}{exc.zh}"))
        else:
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.problems.append((f"{source}raised {last}", f"{source}抛出了 {last}"))


def _indent(text: str) -> str:
    return "".join("    " + line + "\n" for line in (text or "<nothing>\n").splitlines())


def make_public_check(
    question_id: str, name: str, points: float, text: str, defines: list[tuple[str, str]]
) -> Check:
    """A doctest whose student names are proxies: only the calls cross into the sandbox; the
    printing and comparing happen here, with the judge's own torch."""
    examples = doctest.DocTestParser().get_examples(text)  # parsed once, run for every student
    test_name = f"{question_id}: {name}"

    def run(context: dict[str, Any]) -> None:
        student: Student = context["student"]
        globs: dict[str, Any] = {"torch": torch, "np": np, "numpy": np}
        for defined, kind in defines:
            if kind == "function":
                globs[defined] = student.function(defined, sync_inputs=True)
            else:
                try:
                    globs[defined] = student.value(defined)
                except StudentCodeProblem:
                    pass  # the doctest reports the NameError where the name is used
        test = doctest.DocTest(examples, globs, test_name, None, 0, text)
        # DocTestRunner sets up a debugger whose reset re-stats every file in linecache (torch
        # reads hundreds of its sources at import); nothing is debugged. Emptied when it grows
        # large, not on every run: the few files a failing example's traceback reads (the
        # judge's own) then stay cached, and a doctest whose call raises costs ~1 ms less.
        if len(linecache.cache) > MAX_LINECACHE_FILES:
            linecache.clearcache()
        runner = _CollectingRunner()
        runner.run(test, out=lambda s: None, clear_globs=False)
        if runner.problems:
            raise CheckFailed(
                "\n".join(en for en, _ in runner.problems),
                zh="\n".join(zh for _, zh in runner.problems),
            )

    return Check(
        question_id=question_id,
        name=f"public: {name}",
        points=points,
        visibility="visible",
        runner=run,
    )


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def check_seed(base_seed: int | str, check: Check) -> int:
    digest = hashlib.sha256(f"{base_seed}|{check.key}".encode()).digest()
    return int.from_bytes(digest[:6], "little")


@dataclass
class RunOptions:
    devices: tuple[str, ...] = ("cpu",)
    skip_reason: dict[str, str] = field(default_factory=dict)  # device -> why it is skipped
    debug: bool = False  # show tracebacks of check-code errors (for bank authors)
    public_only: bool = False  # a student's self-check: hidden checks are neither run nor listed
    diagnose: bool = False  # match a question that lost points against its mutants
    # question id -> the snapshot its checks read (a question graded at its check cell whose
    # cell the notebook has; see grader/execute.py)
    scopes: dict[str, str] = field(default_factory=dict)
    # code run in the sandbox before each question's checks (otter's intercell seed)
    prelude: str = ""
    # question id -> its variant (docs/variants.md); `variant` is the one of the question
    # being graded, the `variant` fixture of its checks
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    variant: dict[str, Any] = field(default_factory=dict)


def run_check(
    check: Check, student: Student, base_seed: int | str, options: RunOptions
) -> CheckResult:
    title = (
        {"en": check.description, "zh": check.description_zh or check.description}
        if check.description
        else None
    )

    def result(status: str, score: float, message: str = "", zh: str | None = None) -> CheckResult:
        return CheckResult(
            name=check.name,
            score=score,
            max_score=0.0 if status == "skipped" else check.points,
            status=status,
            visibility=check.visibility,
            message=message,
            device=check.device,
            message_zh=zh,
            title=title,
        )

    if check.device is not None and check.device not in options.devices:
        reason = options.skip_reason.get(check.device, f"not grading on {check.device}")
        return result("skipped", 0.0, reason, SKIP_REASONS_ZH.get(reason))
    seed = check_seed(base_seed, check)
    rng = torch.Generator().manual_seed(seed)
    # a fresh copy per check: a check that changes its variant changes nothing for the next
    context = {
        "student": student,
        "rng": rng,
        "seed": seed,
        "variant": copy.deepcopy(options.variant),
    }
    student.start_check(check.name)
    try:
        check.runner(context)
    except CallTimeout:
        lost = result(
            "timeout", 0.0, "the student's code did not finish in time", "学生代码没有在时限内结束"
        )
        lost.lost_session = True
        return lost
    except SandboxCrashed as exc:
        lost = result(
            "error", 0.0, f"the student's process crashed: {exc}", f"学生代码的进程崩溃了：{exc}"
        )
        lost.lost_session = True
        return lost
    except StudentCodeProblem as exc:
        return result(exc.status, 0.0, str(exc), exc.zh)
    except CheckFailed as exc:
        return result("failed", 0.0, str(exc), exc.zh)
    except AssertionError as exc:
        return result("failed", 0.0, *_assertion_message(check, exc))
    except CheckFileError:
        raise
    except Exception as exc:
        if options.debug:
            return result("error", 0.0, "check code raised:\n" + traceback.format_exc())
        return result(
            "failed",
            0.0,
            f"the returned value could not be checked ({type(exc).__name__}); "
            "check its type and shape against the prompt.",
            f"返回值无法检查（{type(exc).__name__}）；请对照题目检查它的类型和形状。",
        )
    return result("passed", check.points)


# The reasons grade.py gives for a skipped device, in Chinese (pages quote them after the prefix).
SKIP_REASONS_ZH = {
    "skipped: no CUDA device on this runner": "已跳过：本次评分的机器没有 GPU",
    "skipped: grading on the CPU only (--device cpu)": "已跳过：本次评分只在 CPU 上进行（--device cpu）",
}


def _assertion_message(check: Check, exc: AssertionError) -> tuple[str, str]:
    # A bare `assert` message may contain expected values only if the author wrote them there;
    # without a message we show the check's description, never the asserted expression.
    if exc.args and str(exc.args[0]).strip():
        text = exc.args[0]
        return str(text), zh_of(text)
    if check.visibility == "visible":
        return "assertion failed", "断言失败"
    if check.description:
        return check.description, check.description_zh or check.description
    return "this hidden check failed", "这项隐藏检查没有通过"
