"""The question bank as plain data: questions, assignments, topics."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import variants as variant_space

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class DefinedName:
    name: str
    kind: str  # function | variable
    signature: str | None = None


@dataclass(frozen=True)
class PublicCheck:
    name: str
    points: float
    doctest: str


@dataclass(frozen=True)
class Mutant:
    """A known-wrong answer: the mistake it encodes, and the most credit it may earn."""

    name: str
    mistake: dict[str, str]  # always "en"; "zh" where the bank has it
    code: str
    credit: float = 0.0  # a fraction of the question's points
    hint: dict[str, str] | None = None


@dataclass(frozen=True)
class Alternate:
    """Another correct answer, written the way students write it: it must earn full marks."""

    name: str
    code: str


@dataclass
class Question:
    id: str
    topic: str
    difficulty: int
    points: float
    kind: str
    title: dict[str, str]
    prompt: dict[str, str]
    defines: list[DefinedName]
    starter: str
    public_checks: list[PublicCheck]
    mutants: list[Mutant]
    directory: Path
    solution_path: Path
    catches: list[str] = field(default_factory=list)
    alternates: list[Alternate] = field(default_factory=list)
    hint: dict[str, str] | None = None
    tags: list[str] = field(default_factory=list)
    source: str = "bank"  # "otter": imported by `grader import otter`, no reference or mutants
    otter: dict[str, Any] | None = None  # the imported test and its cases (docs/otter.md)
    # "end": checks read the namespace after the last cell; "check": as it was at the
    # question's `grader.check(...)` cell, as otter grades (see execute.py)
    graded_at: str = "end"
    # per-student variants (grader/bank/variants.py): parameter -> its allowed values, in order
    variants: dict[str, list[Any]] = field(default_factory=dict)
    variant_sample: int | None = None  # how many variants validate proves, when not all
    choices: dict[str, dict[str, str]] | None = None  # lang -> option key -> text (`{choices}`)

    @property
    def variant_count(self) -> int:
        return variant_space.space_size(self.variants) if self.variants else 1

    def variant(self, index: int) -> dict[str, Any]:
        """Variant number `index` ({} for a question without variants); 0 is the default."""
        return variant_space.variant_at(self.variants, index) if self.variants else {}

    def checked_variants(self) -> list[dict[str, Any]]:
        """The variants validate and selftest prove (all, or the declared sample)."""
        if not self.variants:
            return [{}]
        indices = variant_space.checked_indices(self.variant_count, self.variant_sample)
        return [self.variant(i) for i in indices]

    def rendered(self, variant: dict[str, Any]) -> Question:
        """This question as a student with `variant` sees it: prompt, starter, public doctests
        and mutant texts filled in. Without variants it is the question itself."""
        if not self.variants:
            return self

        def text(value: str, lang: str | None = None) -> str:
            choices = (self.choices or {}).get(lang or "en")
            return variant_space.render(value, variant, choices)

        def both(value: dict[str, str] | None) -> dict[str, str] | None:
            return None if value is None else {k: text(v, k) for k, v in value.items()}

        return replace(
            self,
            title=both(self.title) or {},
            prompt=both(self.prompt) or {},
            starter=text(self.starter),
            hint=both(self.hint),
            public_checks=[replace(c, doctest=text(c.doctest)) for c in self.public_checks],
            mutants=[
                replace(m, code=text(m.code), mistake=both(m.mistake) or {}, hint=both(m.hint))
                for m in self.mutants
            ],
            alternates=[replace(a, code=text(a.code)) for a in self.alternates],
        )

    def solution_for(self, variant: dict[str, Any]) -> str:
        """The reference answer of this variant (the solution file is a template too)."""
        code = self.solution()
        return variant_space.render(code, variant) if self.variants else code

    @property
    def check_name(self) -> str:
        """The name a notebook's `grader.check(...)` cell gives this question."""
        return str(self.otter["test_name"]) if self.otter else self.id

    @property
    def snapshot_names(self) -> list[str]:
        """The names this question's checks read, copied when its check cell is reached."""
        if self.otter:
            return sorted({n for c in self.otter["cases"] for n in c.get("student_names", [])})
        return [d.name for d in self.defines]

    @property
    def written_for_bank(self) -> bool:
        """Written for this bank (a reference, mutants, alternates), not imported from
        otter-grader (whose cases are all it has)."""
        return self.source == "bank"

    @property
    def question_file(self) -> Path:
        return self.directory / "question.yaml"

    @property
    def checks_path(self) -> Path:
        return self.directory / "checks.py"

    def solution(self) -> str:
        return self.solution_path.read_text(encoding="utf-8")

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "points": self.points,
            "kind": self.kind,
            "title": dict(self.title),
            "defines": [d.name for d in self.defines],
            "mutants": len(self.mutants),
            "alternates": len(self.alternates),
        }


@dataclass
class Assignment:
    name: str
    title: dict[str, str]
    question_ids: list[str]
    path: Path
    hand_in: dict[str, str] | None = None  # how this course collects notebooks, {en, zh}
    intercell_seed: dict[str, Any] | None = None  # otter's {seed, variable} (execute.py)
    variants: bool = False  # each student gets their own draw of each question's variants


@dataclass
class Bank:
    root: Path
    solutions_dir: Path
    topics: dict[str, dict[str, str]]
    questions: dict[str, Question]
    assignments: dict[str, Assignment]
    public: bool = False  # no hidden checks or references here (see loader.PUBLIC_MARKER)

    def missing_assignment(self, name: str) -> str | None:
        """None when the bank has assignment `name`; else the one-line reason, naming those it has."""
        if name in self.assignments:
            return None
        return f"unknown assignment {name!r}; known: {', '.join(sorted(self.assignments))}"

    def assignment_questions(self, name: str) -> list[Question]:
        return [self.questions[qid] for qid in self.assignments[name].question_ids]
