"""Import an otter-grader assignment (its autograder zip or tests folder) into the bank.

Each otter test file becomes one question `bank/imported/<NAME>-<test>/` (a `question.yaml`
with `source: otter` and the cases, and a generated `checks.py`), and the assignment becomes
`bank/assignments/<NAME>.yaml`. Test files are only *parsed*: OK-format files with
`ast.literal_eval`, exception-based files with `ast`; nothing from them is imported or executed
here. Points follow otter's own rule (`TestFile.resolve_test_file_points`), so a question is worth
what it was worth in otter; `all_or_nothing` becomes a single check worth the whole question.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .syntax import analyse_doctest, analyse_exception_case

MAX_TEST_FILE_BYTES = 1024 * 1024
MAX_TEST_FILES = 500
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IMPORTED_DIR = "imported"  # bank/imported/<id>/, topic "imported"


class OtterImportError(Exception):
    """The input is not a usable otter assignment; the message says what and where."""


@dataclass
class ImportedCase:
    name: str
    format: str  # doctest | exception
    code: str
    hidden: bool
    points: float
    runs_in: str
    foolable: bool
    why: str
    student_names: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "hidden": self.hidden,
            "points": self.points,
            "runs_in": self.runs_in,
            "foolable": self.foolable,
            "why": self.why,
            "student_names": self.student_names,
            "code": self.code,
        }


@dataclass
class ImportedTest:
    file: str
    name: str
    format: str  # ok | exception
    points_spec: Any
    all_or_nothing: bool
    cases: list[ImportedCase] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(c.points for c in self.cases), 6)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_test_sources(source: Path) -> list[tuple[str, str]]:
    """[(relative path, text)] of the test files in an autograder zip or a tests folder."""
    if not source.exists():
        raise OtterImportError(f"{source}: no such file or folder")
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise OtterImportError(
                f"{source}: not a zip file; give the autograder zip that `otter assign` wrote, "
                "or a tests/ folder"
            )
        return _read_zip(source)
    folder = source / "tests" if (source / "tests").is_dir() else source
    files = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    if not files:
        raise OtterImportError(f"{folder}: holds no otter test files (*.py)")
    out = []
    for path in files[:MAX_TEST_FILES]:
        if path.stat().st_size > MAX_TEST_FILE_BYTES:
            raise OtterImportError(f"{path}: larger than {MAX_TEST_FILE_BYTES} bytes")
        out.append((f"tests/{path.name}", _decode(path.read_bytes(), str(path))))
    return out


def read_otter_config(source: Path) -> dict[str, Any]:
    """The autograder's otter_config.json (in the zip, or beside the tests folder), or {}."""
    text = None
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if PurePosixPath(n).name == "otter_config.json"]
            if names:
                name = min(names, key=lambda n: len(PurePosixPath(n).parts))
                if archive.getinfo(name).file_size > MAX_TEST_FILE_BYTES:
                    raise OtterImportError(
                        f"{source}: {name} is larger than {MAX_TEST_FILE_BYTES} bytes"
                    )
                text = _decode(archive.read(name), f"{source}: {name}")
    elif source.is_dir():
        for folder in (source, source.parent):
            if (folder / "otter_config.json").is_file():
                path = folder / "otter_config.json"
                text = _decode(path.read_bytes()[:MAX_TEST_FILE_BYTES], str(path))
                break
    if text is None:
        return {}
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OtterImportError(f"{source}: otter_config.json: not valid JSON ({exc.msg})") from None
    if not isinstance(config, dict):
        raise OtterImportError(f"{source}: otter_config.json: is not a JSON object")
    return config


def intercell_seed(config: dict[str, Any], where: Path) -> dict[str, Any] | None:
    """otter's `seed` and `seed_variable`, as the assignment's `intercell_seed` (or None)."""
    seed, variable = config.get("seed"), config.get("seed_variable")
    if seed is None:
        return None
    if type(seed) is not int:
        raise OtterImportError(f"{where}: otter_config.json: seed {seed!r} is not an integer")
    if variable is not None and not (isinstance(variable, str) and variable.isidentifier()):
        raise OtterImportError(
            f"{where}: otter_config.json: seed_variable {variable!r} is not a variable name"
        )
    return {"seed": seed, "variable": variable}


def _read_zip(path: Path) -> list[tuple[str, str]]:
    out = []
    with zipfile.ZipFile(path) as archive:  # read in memory; nothing is extracted
        for info in archive.infolist():
            member = PurePosixPath(info.filename)
            if info.is_dir() or member.suffix != ".py" or member.name == "__init__.py":
                continue
            if len(member.parts) < 2 or member.parts[-2] != "tests":
                continue
            if info.file_size > MAX_TEST_FILE_BYTES:
                raise OtterImportError(
                    f"{path}: {info.filename} is larger than {MAX_TEST_FILE_BYTES} bytes"
                )
            out.append((str(member), _decode(archive.read(info), f"{path}: {info.filename}")))
            if len(out) > MAX_TEST_FILES:
                raise OtterImportError(f"{path}: more than {MAX_TEST_FILES} test files")
    if not out:
        raise OtterImportError(
            f"{path}: holds no tests/*.py; is it the autograder zip from `otter assign`?"
        )
    return sorted(out)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise OtterImportError(f"{where}: is not UTF-8 text") from None


# ---------------------------------------------------------------------------------------------
# Parsing (ast only)
# ---------------------------------------------------------------------------------------------


def _literal(node: ast.AST, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        raise OtterImportError(
            f"{where}: `{ast.unparse(node)[:80]}` is not a literal; otter test metadata must be literal values"
        ) from None


def _assignments(tree: ast.Module) -> dict[str, ast.AST]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
    return found


def parse_test_file(path: str, text: str) -> ImportedTest:
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise OtterImportError(f"{path}: line {exc.lineno}: not valid Python ({exc.msg})") from None
    values = _assignments(tree)
    if "test" in values:
        return _parse_ok(path, _literal(values["test"], f"{path}: test"))
    if "name" in values:
        return _parse_exception(path, tree, values)
    raise OtterImportError(
        f"{path}: neither an OK-format test (`test = {{...}}`) nor an exception-based one (`name = ...`)"
    )


def _resolve_points(spec: Any, cases: list[ImportedCase], where: str) -> None:
    """otter's own rule for a question's points over its cases (the same function otter runs)."""
    from otter.test_files.abstract_test import TestCase, TestFile

    raw = [TestCase(c.name, "", c.hidden, c.points, None, None) for c in cases]  # type: ignore[arg-type]
    try:
        resolved = TestFile.resolve_test_file_points(spec, raw)
    except (ValueError, TypeError, AssertionError) as exc:
        raise OtterImportError(f"{where}: points: {exc or type(exc).__name__}") from None
    for case, done in zip(cases, resolved, strict=True):
        case.points = float(done.points)


def _parse_ok(path: str, spec: Any) -> ImportedTest:
    if not isinstance(spec, dict) or "name" not in spec or not isinstance(spec.get("suites"), list):
        raise OtterImportError(f"{path}: test must be a dict with 'name' and 'suites'")
    if len(spec["suites"]) != 1:
        raise OtterImportError(
            f"{path}: otter supports exactly one suite per test; found {len(spec['suites'])}"
        )
    suite = spec["suites"][0]
    if suite.get("type", "doctest") != "doctest" or suite.get("setup") or suite.get("teardown"):
        raise OtterImportError(
            f"{path}: only doctest suites without setup/teardown are supported (as in otter)"
        )
    name = str(spec["name"])
    cases = []
    for index, raw in enumerate(suite.get("cases", [])):
        if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
            raise OtterImportError(f"{path}: case {index + 1} has no 'code' string")
        from textwrap import dedent

        code = dedent(raw["code"])
        analysis = analyse_doctest(code)
        points = raw.get("points")
        cases.append(
            ImportedCase(
                name=str(raw.get("name", f"{name} - {index + 1}")),
                format="doctest",
                code=code,
                hidden=bool(raw.get("hidden", True)),  # otter's default
                points=points,  # resolved below
                runs_in=analysis.runs_in,
                foolable=analysis.foolable,
                why=analysis.why,
                student_names=analysis.student_names,
            )
        )
    if not cases:
        raise OtterImportError(f"{path}: the test has no cases")
    test = ImportedTest(
        path, name, "ok", spec.get("points"), bool(spec.get("all_or_nothing", False)), cases
    )
    _resolve_points(test.points_spec, cases, path)
    return test


def _test_case_decorator(function: ast.FunctionDef) -> ast.expr | None:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "test_case":
            return decorator
    return None


def _parse_exception(path: str, tree: ast.Module, values: dict[str, ast.AST]) -> ImportedTest:
    name = str(_literal(values["name"], f"{path}: name"))
    points_spec = _literal(values["points"], f"{path}: points") if "points" in values else None
    all_or_nothing = (
        bool(_literal(values["all_or_nothing"], f"{path}: all_or_nothing"))
        if "all_or_nothing" in values
        else False
    )
    cases = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorator = _test_case_decorator(node)
        if decorator is None:
            continue
        options: dict[str, Any] = {}
        if isinstance(decorator, ast.Call):
            if decorator.args:
                raise OtterImportError(
                    f"{path}: line {node.lineno}: pass test_case options by keyword"
                )
            options = {
                k.arg: _literal(k.value, f"{path}: line {node.lineno}") for k in decorator.keywords
            }
        bare = ast.FunctionDef(
            name=node.name,
            args=node.args,
            body=node.body,
            decorator_list=[],
            returns=None,
            type_comment=None,
            type_params=[],
        )
        code = ast.unparse(ast.fix_missing_locations(bare))
        analysis = analyse_exception_case(code)
        cases.append(
            ImportedCase(
                name=str(options.get("name") or f"{name} - {len(cases) + 1}"),
                format="exception",
                code=code,
                hidden=bool(options.get("hidden", False)),  # otter's default for test_case
                points=options.get("points"),
                runs_in=analysis.runs_in,
                foolable=analysis.foolable,
                why=analysis.why,
                student_names=analysis.student_names,
            )
        )
    if not cases:
        raise OtterImportError(f"{path}: defines no @test_case functions")
    test = ImportedTest(path, name, "exception", points_spec, all_or_nothing, cases)
    _resolve_points(points_spec, cases, path)
    return test


# ---------------------------------------------------------------------------------------------
# Writing bank files
# ---------------------------------------------------------------------------------------------


def question_id(assignment: str, test_name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-") or "q"
    return f"{assignment}-{slug}"


CHECKS_HEADER = '''"""Checks of otter test {test!r} ({file}), generated by `grader import otter`; do not edit.

The cases live in question.yaml (`otter.cases`), each with where it runs (`runs_in`) and whether
student code could still fool it (`foolable`, `why`); grader.otter.cases runs them.
Re-import with --replace to regenerate.
"""

from grader.otter.cases import load_cases, run_all_or_nothing, run_case
from grader.judge import points

CASES = load_cases(__file__)["cases"]
'''


def checks_source(test: ImportedTest) -> str:
    parts = [CHECKS_HEADER.format(test=test.name, file=test.file)]
    if test.all_or_nothing:
        parts.append(
            f"\n\n@points({test.points!r})\ndef test_all_cases(student):\n"
            f'    """{test.name}: every case must pass (all_or_nothing)"""\n'
            "    run_all_or_nothing(student, CASES)\n"
        )
        return "".join(parts)
    for index, case in enumerate(test.cases):
        function = f"test_case_{index + 1}"
        parts.append(
            f"\n\n@points({case.points!r})\ndef {function}(student):\n"
            f'    """{_docstring(case.name)}"""\n'
            f"    run_case(student, CASES[{index}])\n"
        )
        if not case.hidden:
            # read by the judge once it honours per-check visibility (see docs/otter.md)
            parts.append(f'\n\n{function}.__grader_visibility__ = "visible"\n')
    return "".join(parts)


def _docstring(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")


def question_data(assignment: str, test: ImportedTest) -> dict[str, Any]:
    qid = question_id(assignment, test.name)
    names = sorted({n for c in test.cases for n in c.student_names})
    called = any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) in names
        for c in test.cases
        for node in ast.walk(ast.parse(_case_source(c)))
    )
    return {
        "id": qid,
        "source": "otter",
        "topic": IMPORTED_DIR,
        "difficulty": 1,
        "points": test.points,
        "kind": "function" if called else "value",
        "title": {"zh": f"{test.name}（导入自 otter）", "en": f"{test.name} (imported from otter)"},
        "prompt": {
            "zh": f"导入自 otter-grader 的测试 `{test.file}`。",
            "en": f"Imported from the otter-grader test `{test.file}`.",
        },
        # otter grades a question at its `grader.check` cell (docs/otter.md)
        "graded_at": "check",
        "defines": [],
        "starter": "# " + ", ".join(names) + "\n..." if names else "...",
        "public_checks": [],
        "mutants": [],
        "otter": {
            "assignment": assignment,
            "test_file": test.file,
            "test_name": test.name,
            "format": test.format,
            "points": test.points_spec,
            "all_or_nothing": test.all_or_nothing,
            "cases": [c.as_dict() for c in test.cases],
        },
    }


def _case_source(case: ImportedCase) -> str:
    if case.format == "exception":
        return case.code
    from .syntax import doctest_examples

    sources = []
    for example in doctest_examples(case.code):
        try:
            ast.parse(example.source)
            sources.append(example.source)
        except SyntaxError:
            continue
    return "\n".join(sources)


@dataclass
class ImportReport:
    assignment: str
    assignment_file: Path
    questions: list[tuple[Path, ImportedTest]]
    intercell_seed: dict[str, Any] | None = None


def import_otter(source: Path, name: str, bank_root: Path, replace: bool = False) -> ImportReport:
    """Parse `source`, write the questions and the assignment into `bank_root`."""
    if not NAME_PATTERN.match(name):
        raise OtterImportError(
            f"--name {name!r}: use lowercase letters, digits and hyphens, e.g. hw1"
        )
    tests = [parse_test_file(path, text) for path, text in read_test_sources(source)]
    seed = intercell_seed(read_otter_config(source), source)
    seen: dict[str, str] = {}
    for test in tests:
        qid = question_id(name, test.name)
        if len(qid) > 40:
            raise OtterImportError(
                f"{test.file}: question id {qid!r} is longer than 40 characters; use a shorter --name"
            )
        if qid in seen:
            raise OtterImportError(
                f"{test.file}: test {test.name!r} gives the same id {qid!r} as {seen[qid]}"
            )
        seen[qid] = test.file
    assignment_file = bank_root / "assignments" / f"{name}.yaml"
    targets = [bank_root / IMPORTED_DIR / question_id(name, t.name) for t in tests]
    existing = [p for p in [assignment_file, *targets] if p.exists()]
    if existing and not replace:
        raise OtterImportError(
            f"{existing[0]} already exists; pass --replace to overwrite this imported assignment"
        )
    if replace and assignment_file.exists():
        _remove_previous(bank_root, assignment_file)
    written = []
    for test, folder in zip(tests, targets, strict=True):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        data = question_data(name, test)
        (folder / "question.yaml").write_text(
            yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
        (folder / "checks.py").write_text(checks_source(test), encoding="utf-8")
        written.append((folder, test))
    assignment_file.parent.mkdir(parents=True, exist_ok=True)
    assignment_file.write_text(
        yaml.safe_dump(
            {
                "name": name,
                "title": {
                    "zh": f"{name}（导入自 otter-grader）",
                    "en": f"{name} (imported from otter-grader)",
                },
                "questions": [question_id(name, t.name) for t in tests],
                **({"intercell_seed": seed} if seed else {}),
            },
            sort_keys=False,
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return ImportReport(name, assignment_file, written, seed)


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (case code) as YAML literal blocks, so question.yaml reads like code."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(str, _represent_str)


def _remove_previous(bank_root: Path, assignment_file: Path) -> None:
    """Remove the imported questions a previous import of this assignment wrote (only those)."""
    data = yaml.safe_load(assignment_file.read_text(encoding="utf-8")) or {}
    for qid in data.get("questions", []):
        folder = bank_root / IMPORTED_DIR / str(qid)
        question = folder / "question.yaml"
        if (
            question.exists()
            and (yaml.safe_load(question.read_text(encoding="utf-8")) or {}).get("source")
            == "otter"
        ):
            shutil.rmtree(folder)
