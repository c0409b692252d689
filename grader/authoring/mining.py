"""`grader bank mine`: the class's common wrong answers that no known mistake explains, as draft
mutants for the bank.

Every question that lost points carries the fingerprint of its behaviour (`behaviour` in the
result: what the checks saw its calls return, rounded); a wrong answer that matched no mutant also
carries its answer cell (`answer`). Students with the same fingerprint answered alike, however
they wrote it. For each question, those groups are ranked by size; each group of at least
`min_students` becomes a draft: a representative student's answer cell (the first in student
order, comments removed, no student id: names of the student's own helpers are kept) with an
empty mistake and hint, for the teacher to name, explain and move into the question's
`mutants:`. There it is validated like any mutant and diagnoses from then on.

The answer code is data: mining only writes it into files, it never runs it.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..gradebook.store import StoredResult


@dataclass
class BehaviourGroup:
    question: str
    behaviour: str
    students: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    max_score: float = 0.0
    answer: str | None = None  # the representative's code (comments removed)
    failures: list[str] = field(default_factory=list)  # the representative's failed checks

    @property
    def best_fraction(self) -> float:
        return max(self.scores) / self.max_score if self.max_score else 0.0


@dataclass
class QuestionMining:
    question: str
    wrong: int  # students who lost points
    undiagnosed: int  # of them, matched no known mistake
    groups: list[BehaviourGroup]


def mine(results: Iterable[StoredResult], min_students: int = 3) -> list[QuestionMining]:
    """Group the undiagnosed wrong answers of each question by behaviour, largest first."""
    wrong: dict[str, int] = defaultdict(int)
    groups: dict[str, dict[str, BehaviourGroup]] = defaultdict(dict)
    order: list[str] = []
    for stored in sorted(results, key=lambda s: s.student):
        for question in (stored.result or {}).get("questions", []):
            qid = question["id"]
            if qid not in order:
                order.append(qid)
            if question["score"] >= question["max_score"]:
                continue
            wrong[qid] += 1
            behaviour = question.get("behaviour")
            if question.get("diagnosis") or not behaviour:
                continue
            group = groups[qid].setdefault(behaviour, BehaviourGroup(qid, behaviour))
            group.students.append(stored.student)
            group.scores.append(float(question["score"]))
            group.max_score = float(question["max_score"])
            if group.answer is None and question.get("answer"):
                group.answer = without_comments(question["answer"])
                group.failures = [
                    f"{c['name']}: {' '.join(str(c.get('message', '')).split())[:160]}"
                    for c in question["checks"]
                    if c["status"] in ("failed", "error", "timeout")
                ][:3]
    mined = []
    for qid in order:
        ranked = sorted(groups[qid].values(), key=lambda g: (-len(g.students), g.behaviour))
        mined.append(
            QuestionMining(
                question=qid,
                wrong=wrong[qid],
                undiagnosed=sum(len(g.students) for g in ranked),
                groups=[g for g in ranked if len(g.students) >= min_students],
            )
        )
    return [m for m in mined if m.wrong]


def without_comments(code: str) -> str:
    """The code with its comments removed (a student may sign their work in one); the code is
    kept otherwise as written. Code that does not tokenize is returned as it is."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code
    comments = {(t.start[0], t.start[1]) for t in tokens if t.type == tokenize.COMMENT}
    lines = code.splitlines()
    kept = []
    for number, line in enumerate(lines, start=1):
        cut = next((col for row, col in comments if row == number), None)
        if cut is not None:
            line = line[:cut].rstrip()
            if not line.strip():
                continue
        kept.append(line)
    return "\n".join(kept).strip() + "\n"


def draft_mutant(group: BehaviourGroup, rank: int) -> dict:
    """A `mutants:` entry to complete: name, mistake and hint to write, the credit it earned."""
    credit = round(group.best_fraction + 0.005, 2) if group.best_fraction > 0 else 0.0
    return {
        "name": f"draft-{rank}-{group.behaviour[:8]}",
        "mistake": {"en": "", "zh": ""},
        "hint": {"en": "", "zh": ""},
        "credit": min(credit, 1.0),
        "code": group.answer or "# no answer cell was found in these students' notebooks\n",
    }


def write_drafts(mined: list[QuestionMining], out: Path, assignment: str) -> list[Path]:
    """OUT/<question>.yaml with the drafts of each question, and OUT/README.md, the summary."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for question in mined:
        if not question.groups:
            continue
        drafts = [draft_mutant(g, rank) for rank, g in enumerate(question.groups, start=1)]
        header = "".join(
            f"# draft {rank}: {len(g.students)} students, scores "
            f"{min(g.scores):g}–{max(g.scores):g} of {g.max_score:g}; the checks it failed:\n"
            + "".join(f"#   {failure}\n" for failure in g.failures)
            for rank, g in enumerate(question.groups, start=1)
        )
        path = out / f"{question.question}.yaml"
        path.write_text(
            f"# Draft mutants for {question.question} from `grader bank mine` ({assignment}).\n"
            "# Name each one, write its mistake and hint (en and zh), check the credit, then\n"
            "# move it under `mutants:` in the question's question.yaml and run\n"
            "# `grader bank validate`.\n"
            + header
            + yaml.dump(
                {"mutants": drafts},
                Dumper=_BlockDumper,
                allow_unicode=True,
                sort_keys=False,
                width=100,
            ),
            encoding="utf-8",
        )
        written.append(path)
    summary = out / "README.md"
    summary.write_text(summary_markdown(mined, assignment), encoding="utf-8")
    written.append(summary)
    return written


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings (the code) as YAML literal blocks, as question.yaml has them."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _string)


def summary_markdown(mined: list[QuestionMining], assignment: str) -> str:
    lines = [
        f"# Wrong answers no known mistake explains: {assignment}",
        "",
        "Per question: students who lost points, how many of them matched no mutant, and the "
        "groups of those that behaved alike (largest first). Each group listed has a draft "
        "mutant in `<question>.yaml`.",
        "",
        "| question | lost points | undiagnosed | groups (students each) |",
        "|---|---:|---:|---|",
    ]
    for question in mined:
        groups = ", ".join(str(len(g.students)) for g in question.groups) or "—"
        lines.append(
            f"| {question.question} | {question.wrong} | {question.undiagnosed} | {groups} |"
        )
    return "\n".join(lines) + "\n"
