"""Similarity report: which students' answers look copied, question by question.

For each question, a student's answer is the code of the cells that define the question's names
(kept in the result as `questions[i].code` when the notebook was graded), without the starter's
lines. It is normalised with Python's own parser (comments, docstrings and layout dropped,
top-level definitions sorted, so reordered functions read the same), then tokenised and
fingerprinted by copydetect (identifiers and strings canonicalised, k-grams winnowed: the MOSS
algorithm).

What every correct answer shares does not count: the fingerprints of the bank's reference,
alternates, mutants and starter, and those found in more than `COMMON_SHARE` of the class, are
boilerplate. A question weighs by how much distinct code its reference needs (a one-line
answer weighs little); a question where both answers are wrong and alike weighs
`WRONG_WEIGHT` times more (shared mistakes are the strongest evidence). A pair's score is the weighted mean over the
questions both answered; within a question, each shared fingerprint counts by its rarity in the
class, so a style many honest students share weighs less than code only these two wrote. The
report flags pairs for a human to read; it never changes a grade.
"""

from __future__ import annotations

import ast
import io
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from copydetect import CodeFingerprint
from copydetect.utils import find_fingerprint_overlap, get_copied_slices, highlight_overlap

from ..bank.model import Bank, Question

K = 20  # characters of filtered code per k-gram (copydetect's noise threshold)
WINDOW = 4  # winnowing window: every common run of K + WINDOW - 1 characters is found
COMMON_SHARE = 0.4  # a fingerprint in more than this share of the class is common knowledge
MIN_CLASS_FOR_COMMON = 5  # below this, no fingerprint is discounted for being common
WRONG_WEIGHT = 2.0  # a question both got wrong alike weighs this much more
FULL_WEIGHT_CHARS = 120  # filtered characters of the reference at which a question weighs ~0.6


def normalise(code: str) -> str:
    """The answer as Python prints it back: no comments, docstrings or layout; top-level
    definitions sorted by their text, after the other statements. Code that does not parse is
    kept as written (it is still compared, token by token)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return code
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    definitions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    others = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
    tree.body = [*others, *sorted(definitions, key=ast.unparse)]
    return ast.unparse(tree)


def without_starter(code: str, starter: str) -> str:
    """The answer minus the lines it kept from the starter (the template's own text)."""
    given = {line.strip() for line in starter.splitlines() if line.strip()}
    return "\n".join(line for line in code.splitlines() if line.strip() not in given)


def fingerprint(code: str) -> CodeFingerprint:
    return CodeFingerprint("answer.py", K, WINDOW, fp=io.StringIO(code))


@dataclass
class Answer:
    student: str
    question: str
    code: str  # normalised
    wrong: bool
    print_: CodeFingerprint
    hashes: set[int] = field(default_factory=set)  # after the boilerplate is removed


@dataclass
class QuestionMatch:
    question: str
    similarity: float  # 0..1: of the smaller answer's fingerprints (by rarity), the share shared
    both_wrong: bool
    weight: float
    left: str = ""  # highlighted HTML of the two answers (the top pairs only)
    right: str = ""


@dataclass
class Pair:
    a: str
    b: str
    score: float
    questions: list[QuestionMatch]

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "questions": {m.question: round(m.similarity, 4) for m in self.questions},
        }


@dataclass
class SimilarityReport:
    assignment: str
    students: int
    questions: list[str]
    weights: dict[str, float]
    pairs: list[Pair]
    skipped: list[str]  # students whose results hold no answer code (graded before it was kept)
    archived: int = 0  # students of earlier terms compared with

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "students": self.students,
            "archived_students": self.archived,
            "questions": {q: round(self.weights[q], 4) for q in self.questions},
            "parameters": {"k": K, "window": WINDOW, "common_share": COMMON_SHARE},
            "pairs": [p.as_dict() for p in self.pairs[:top]],
            "skipped": self.skipped,
        }


def bank_prints(question: Question) -> set[int]:
    """Fingerprints of what the bank itself writes for a question: every correct answer
    (reference, alternates) and every known mistake, in each checked variant, and the starter."""
    hashes: set[int] = set()
    for variant in question.checked_variants():
        shown = question.rendered(variant) if variant else question
        codes = [
            shown.starter,
            *(a.code for a in shown.alternates),
            *(m.code for m in shown.mutants),
        ]
        if question.solution_path.exists():
            codes.append(question.solution_for(variant) if variant else question.solution())
        for code in codes:
            hashes |= fingerprint(normalise(code)).hashes
    return hashes


def build_similarity(
    entries: Sequence[tuple[str, dict[str, Any]]],
    bank: Bank,
    assignment: str,
    *,
    archive: Sequence[tuple[str, dict[str, Any]]] = (),
    highlight: int = 50,
) -> SimilarityReport:
    """Rank the pairs of students of `entries` (and each of them against `archive`, earlier
    terms' (label, result) pairs) by how alike their answers are."""
    known = bank.assignments.get(assignment)
    qids = (
        list(known.question_ids)
        if known
        else sorted({q["id"] for _, r in entries for q in r["questions"]})
    )
    current = {s for s, _ in entries}
    everyone = [*entries, *((label, result) for label, result in archive)]
    skipped = sorted(s for s, r in entries if not any(q.get("code") for q in r["questions"]))
    answers: dict[str, dict[str, Answer]] = defaultdict(dict)  # question -> student -> answer
    for student, result in everyone:
        for raw in result["questions"]:
            code = raw.get("code")
            if raw["id"] not in qids or not code:
                continue
            question = bank.questions.get(raw["id"])
            text = without_starter(code, question.starter if question else "")
            normal = normalise(text)
            answers[raw["id"]][student] = Answer(
                student,
                raw["id"],
                normal,
                raw["score"] < raw["max_score"] - 1e-9,
                fingerprint(normal),
            )
    weights: dict[str, float] = {}
    for qid in qids:
        question = bank.questions.get(qid)
        boilerplate = bank_prints(question) if question else set()
        reference_size = (
            len(fingerprint(normalise(question.solution_for(question.variant(0)))).filtered_code)
            if question and question.solution_path.exists()
            else 60
        )
        weights[qid] = 1 - math.exp(-reference_size / FULL_WEIGHT_CHARS)
        pool = answers.get(qid, {})
        frequency: Counter[int] = Counter()
        for answer in pool.values():
            frequency.update(answer.print_.hashes - boilerplate)
        common = (
            {h for h, n in frequency.items() if n > COMMON_SHARE * len(pool)}
            if len(pool) >= MIN_CLASS_FOR_COMMON
            else set()
        )
        for answer in pool.values():
            answer.hashes = answer.print_.hashes - boilerplate - common

    # A fingerprint shared by few is strong evidence, one shared by many is weak: each counts
    # by its rarity in the class, log(N / df) (as words do in tf-idf).
    rarity: dict[str, dict[int, float]] = {}
    shared: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for qid in qids:
        pool = answers.get(qid, {})
        index: dict[int, list[str]] = defaultdict(list)
        for student, answer in pool.items():
            for h in answer.hashes:
                index[h].append(student)
        rarity[qid] = {h: math.log(1 + len(pool) / len(s)) for h, s in index.items()}
        counts: defaultdict[tuple[str, str], float] = defaultdict(float)
        for h, students in index.items():
            if len(students) < 2:
                continue
            for i, a in enumerate(students):
                for b in students[i + 1 :]:
                    if a in current or b in current:
                        counts[(a, b) if a < b else (b, a)] += rarity[qid][h]
        for pair, n in counts.items():
            shared[pair][qid] = n

    pairs = []
    for (a, b), per_question in shared.items():
        matches = []
        for qid in qids:
            left, right = answers.get(qid, {}).get(a), answers.get(qid, {}).get(b)
            if left is None or right is None:
                continue
            mass = [sum(rarity[qid][h] for h in side.hashes) for side in (left, right)]
            smaller = min(mass)
            similarity = min(1.0, per_question.get(qid, 0.0) / smaller) if smaller else 0.0
            both_wrong = left.wrong and right.wrong
            # alike wrong answers are the strongest evidence: that question counts more
            weight = weights[qid] * (WRONG_WEIGHT if both_wrong and similarity >= 0.5 else 1.0)
            matches.append(QuestionMatch(qid, similarity, both_wrong, weight))
        total_weight = sum(m.weight for m in matches)
        if not total_weight:
            continue
        score = sum(m.weight * m.similarity for m in matches) / total_weight
        pairs.append(Pair(a, b, min(1.0, score), matches))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    for pair in pairs[:highlight]:
        for match in pair.questions:
            if match.similarity > 0:
                match.left, match.right = _highlighted(
                    answers[match.question][pair.a], answers[match.question][pair.b]
                )
    return SimilarityReport(
        assignment,
        len(current),
        qids,
        weights,
        pairs,
        skipped,
        archived=len({label for label, _ in archive}),
    )


def _highlighted(left: Answer, right: Answer) -> tuple[str, str]:
    """The two answers as HTML (escaped), their shared regions marked."""
    keep = left.hashes & right.hashes
    idx_left = {h: v for h, v in left.print_.hash_idx.items() if h in keep}
    idx_right = {h: v for h, v in right.print_.hash_idx.items() if h in keep}
    one, two = find_fingerprint_overlap(keep, keep, idx_left, idx_right)
    out = []
    for answer, idx in ((left, one), (right, two)):
        slices = get_copied_slices(idx, K)
        if len(slices[0]) == 0:
            out.append(str(_escape(answer.code)))
            continue
        offsets = answer.print_.offsets
        if len(offsets) > 0:
            slices = (
                slices
                + offsets[:, 1][
                    np.clip(np.searchsorted(offsets[:, 0], slices), 0, offsets.shape[0] - 1)
                ]
            )
        html, _ = highlight_overlap(answer.code, slices, "<mark>", "</mark>", escape_html=True)
        out.append(html)
    return out[0], out[1]


def _escape(text: str) -> str:
    from markupsafe import escape

    return escape(text)


def similarity_html(report: SimilarityReport, top: int = 50, detail: int = 20) -> str:
    """The self-contained page: ranked pairs, then the top ones side by side."""
    from .render import environment

    return (
        environment()
        .get_template("similarity.html.j2")
        .render(r=report, pairs=report.pairs[:top], detail=detail)
    )
