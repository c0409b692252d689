"""Load the bank from YAML files and report every problem by file, field and what to do.

`load_bank` never raises for a bad question file: it collects `BankProblem`s and loads what it
can, so `grader bank validate` can list all problems in one run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .model import Alternate, Assignment, Bank, DefinedName, Mutant, PublicCheck, Question
from .variants import ORDER

DEFAULT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BankProblem:
    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.problem}"


class BankError(Exception):
    """The bank cannot be used (problems listed)."""

    def __init__(self, problems: list[BankProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("grader").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


# A bank folder holding this file is public (`grader public-bank`): question texts, starters
# and public checks only, for `grader ci --public-only` in a student's repository.
PUBLIC_MARKER = "PUBLIC_BANK.md"


def default_bank_dir() -> Path:
    return DEFAULT_ROOT / "bank"


def relative_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


# libyaml's safe loader when PyYAML was built with it (its wheels are): the bank's 91 files
# load in ~0.1 s instead of ~1 s, in the grader, in every batch worker and in `grader batch`.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, root: Path, problems: list[BankProblem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(BankProblem(relative_path(path, root), "", "is not UTF-8 text"))
        return None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problems.append(
            BankProblem(
                relative_path(path, root),
                where,
                f"is not valid YAML ({getattr(exc, 'problem', exc)})",
            )
        )
        return None


def _schema_problems(data: Any, schema_name: str, file: str) -> list[BankProblem]:
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        message = error.message
        if error.validator == "required":
            message = f"is missing: {message}"
        elif error.validator == "additionalProperties":
            message = f"unknown field: {message}{_suggestion(error)}"
        elif error.validator == "type":
            message = f"has the wrong type: {message}"
        problems.append(BankProblem(file, field, message))
    return problems


def _suggestion(error: Any) -> str:
    """ "; did you mean 'hint'?" for an unknown field close to a known one."""
    import difflib
    import re

    known = list((error.schema.get("properties") or {}).keys())
    unknown = re.findall(r"'([^']+)'", error.message)
    guesses = [g for name in unknown for g in difflib.get_close_matches(name, known, n=1)]
    return f"; did you mean {', '.join(repr(g) for g in guesses)}?" if guesses else ""


def load_bank(
    root: Path | None = None, solutions_dir: Path | None = None
) -> tuple[Bank, list[BankProblem]]:
    root = (root or default_bank_dir()).resolve()
    solutions_dir = (solutions_dir or root.parent / "solutions").resolve()
    problems: list[BankProblem] = []

    topics: dict[str, dict[str, str]] = {}
    topics_file = root / "topics.yaml"
    if not topics_file.exists():
        problems.append(
            BankProblem(relative_path(topics_file, root), "", "is missing: list the topics there")
        )
    else:
        data = _read_yaml(topics_file, root, problems)
        found = (
            _schema_problems(data, "topics", relative_path(topics_file, root))
            if data is not None
            else []
        )
        problems += found
        if data is not None and not found:
            topics = data

    public = (root / PUBLIC_MARKER).exists()
    questions: dict[str, Question] = {}
    for file in sorted(root.glob("*/*/question.yaml")):
        question = _load_question(file, root, solutions_dir, topics, problems, public)
        if question is None:
            continue
        if question.id in questions:
            problems.append(
                BankProblem(
                    relative_path(file, root),
                    "id",
                    f"duplicate id {question.id!r}, also used by {relative_path(questions[question.id].question_file, root)}",
                )
            )
            continue
        questions[question.id] = question

    # Questions of an assignment share one notebook namespace: a name defined by two questions
    # would let the later cell overwrite the earlier answer.
    owners: dict[str, str] = {}
    for question in questions.values():
        for index, defined in enumerate(question.defines):
            other = owners.setdefault(defined.name, question.id)
            if other != question.id:
                problems.append(
                    BankProblem(
                        relative_path(question.question_file, root),
                        f"defines.{index}",
                        f"the name {defined.name!r} is also defined by question {other!r}; names must be unique across the bank",
                    )
                )

    assignments: dict[str, Assignment] = {}
    for file in sorted((root / "assignments").glob("*.yaml")):
        data = _read_yaml(file, root, problems)
        if data is None:
            continue
        found = _schema_problems(data, "assignment", relative_path(file, root))
        problems += found
        if found:
            continue
        if data["name"] != file.stem:
            problems.append(
                BankProblem(
                    relative_path(file, root),
                    "name",
                    f"is {data['name']!r} but the file is named {file.name}",
                )
            )
        for index, qid in enumerate(data["questions"]):
            if qid not in questions:
                problems.append(
                    BankProblem(
                        relative_path(file, root),
                        f"questions.{index}",
                        f"unknown question id {qid!r}",
                    )
                )
        assignments[data["name"]] = Assignment(
            data["name"],
            data["title"],
            list(data["questions"]),
            file,
            data.get("hand_in"),
            data.get("intercell_seed"),
            bool(data.get("variants", False)),
        )

    bank = Bank(
        root=root,
        solutions_dir=solutions_dir,
        topics=topics,
        questions=questions,
        assignments=assignments,
        public=public,
    )
    return bank, problems


def _load_question(
    file: Path,
    root: Path,
    solutions_dir: Path,
    topics: dict[str, Any],
    problems: list[BankProblem],
    public: bool = False,
) -> Question | None:
    rel = relative_path(file, root)
    data = _read_yaml(file, root, problems)
    if data is None:
        if not problems or problems[-1].file != rel:
            problems.append(BankProblem(rel, "", "is empty"))
        return None
    found = _schema_problems(data, "question", rel)
    if found:
        problems += found
        return None
    ok = True
    topic_dir, id_dir = file.parent.parent.name, file.parent.name
    imported = data.get("source") == "otter"  # written by `grader import otter` (docs/otter.md)
    if imported:
        if topic_dir != "imported":
            problems.append(
                BankProblem(rel, "topic", "an imported question must live under bank/imported/")
            )
            ok = False
    elif data["topic"] not in topics:
        problems.append(
            BankProblem(
                rel, "topic", f"unknown topic {data['topic']!r}; known topics: {', '.join(topics)}"
            )
        )
        ok = False
    elif data["topic"] != topic_dir:
        problems.append(
            BankProblem(
                rel, "topic", f"is {data['topic']!r} but the question lives under bank/{topic_dir}/"
            )
        )
        ok = False
    if data["id"] != id_dir:
        problems.append(
            BankProblem(rel, "id", f"is {data['id']!r} but the folder is named {id_dir!r}")
        )
        ok = False
    names = [d["name"] for d in data["defines"]]
    if len(set(names)) != len(names):
        problems.append(BankProblem(rel, "defines", "names a name twice"))
        ok = False
    mutant_names = [m["name"] for m in data["mutants"]]
    if len(set(mutant_names)) != len(mutant_names):
        problems.append(BankProblem(rel, "mutants", "two mutants share a name"))
        ok = False
    alternate_names = [a["name"] for a in data.get("alternates", [])]
    if len(set(alternate_names)) != len(alternate_names):
        problems.append(BankProblem(rel, "alternates", "two alternates share a name"))
        ok = False
    for problem in _variant_problems(data):
        problems.append(BankProblem(rel, "variants", problem))
        ok = False
    checks = file.parent / "checks.py"
    # A public bank (a student repository's copy) holds no hidden checks and no references.
    if not checks.exists() and not public:
        problems.append(
            BankProblem(relative_path(checks, root), "", "is missing: hidden checks live there")
        )
        ok = False
    # A question with variants has a template for a reference (`{name}` placeholders, not
    # Python until filled in): `.py.tmpl`, so that linters and editors do not read it as code.
    solution = solutions_dir / f"{data['id']}{'.py.tmpl' if data.get('variants') else '.py'}"
    if not solution.exists() and not imported and not public:
        problems.append(
            BankProblem(rel, "id", f"has no reference solution: create solutions/{solution.name}")
        )
        ok = False
    if not ok:
        return None
    return Question(
        id=data["id"],
        topic=data["topic"],
        difficulty=data["difficulty"],
        points=float(data["points"]),
        kind=data["kind"],
        title=data["title"],
        prompt=data["prompt"],
        defines=[DefinedName(d["name"], d["kind"], d.get("signature")) for d in data["defines"]],
        starter=data["starter"],
        public_checks=[
            PublicCheck(c["name"], float(c["points"]), c["doctest"]) for c in data["public_checks"]
        ],
        mutants=[_mutant(m) for m in data["mutants"]],
        alternates=[Alternate(a["name"], a["code"]) for a in data.get("alternates", [])],
        directory=file.parent,
        solution_path=solution,
        catches=list(data.get("catches", [])),
        hint=data.get("hint"),
        tags=list(data.get("tags", [])),
        source=data.get("source", "bank"),
        otter=data.get("otter"),
        graded_at=data.get("graded_at", "end"),
        variants=dict(data.get("variants", {})),
        variant_sample=data.get("variant_sample"),
        choices=data.get("choices"),
    )


def _variant_problems(data: dict[str, Any]) -> list[str]:
    """What the schema cannot say about a question's variants."""
    parameters = data.get("variants") or {}
    problems = []
    for name, values in parameters.items():
        if any(values.count(v) > 1 for v in values):
            problems.append(f"{name}: lists a value twice (each variant must differ)")
    choices = data.get("choices")
    if choices is not None:
        keys = set(choices.get("en", {}))
        if set(choices.get("zh", {})) != keys:
            problems.append("choices: zh and en must have the same option keys")
        orders = parameters.get(ORDER)
        if not orders:
            problems.append(f"choices: needs a variant parameter {ORDER!r} (the option orders)")
        elif any(sorted(o) != sorted(keys) for o in orders):
            problems.append(f"{ORDER}: each value must list every option key of choices once")
        if not all("{choices}" in data["prompt"][lang] for lang in ("zh", "en")):
            problems.append("choices: both prompts must show them with {choices}")
    sample = data.get("variant_sample")
    if sample is not None and not parameters:
        problems.append("variant_sample: the question declares no variants")
    return problems


def _mutant(data: dict[str, Any]) -> Mutant:
    mistake = data["mistake"]
    return Mutant(
        name=data["name"],
        mistake=dict(mistake) if isinstance(mistake, dict) else {"en": mistake},
        code=data["code"],
        credit=float(data.get("credit", 0.0)),
        hint=data.get("hint"),
    )


def load_bank_or_raise(root: Path | None = None) -> Bank:
    bank, problems = load_bank(root)
    if problems:
        raise BankError(problems)
    return bank
