"""The similarity report on a synthetic class of 40 (tests/similarity_class.py): planted copies
(renamed, reordered, commented, restructured, a shared wrong answer) rank above every honest
pair; the canonical short answer flags nobody; the page opens in Chromium; the command works
from a gradebook, across terms too.
"""

from __future__ import annotations

import json

import pytest

from grader.cli import main
from grader.gradebook.store import Gradebook
from grader.reports.similarity import build_similarity, normalise, similarity_html

from .similarity_class import QUESTIONS, synthetic_class

CORE = "preliminaries-core"
THRESHOLD = 0.5  # what the docs suggest reading first


@pytest.fixture(scope="module")
def report(bank):
    entries, planted = synthetic_class()
    return build_similarity(entries, bank, CORE), planted, entries


def test_planted_copies_rank_above_every_honest_pair(report):
    result, planted, entries = report
    assert len(entries) == 40
    ranked = [frozenset((p.a, p.b)) for p in result.pairs]
    assert set(ranked[: len(planted)]) == planted
    honest = [p.score for p in result.pairs if frozenset((p.a, p.b)) not in planted]
    copies = [p.score for p in result.pairs if frozenset((p.a, p.b)) in planted]
    assert min(copies) > max(honest)
    flagged = {frozenset((p.a, p.b)) for p in result.pairs if p.score >= THRESHOLD}
    precision = len(flagged & planted) / len(flagged)
    recall = len(flagged & planted) / len(planted)
    assert (precision, recall) == (1.0, 1.0)


def test_the_shared_wrong_answer_is_what_flags_its_pair(report):
    result, _, _ = report
    pair = next(p for p in result.pairs if p.a.startswith("shared-mistake"))
    broadcast = next(m for m in pair.questions if m.question == "broadcast")
    assert broadcast.both_wrong and broadcast.similarity == pytest.approx(1.0)
    assert broadcast.weight > result.weights["broadcast"]  # a shared mistake weighs more


def test_the_canonical_short_answer_flags_nobody(report):
    """Everyone who wrote `torch.arange(rows * cols).reshape(rows, cols)` (the bank's own
    answer) shares it: that is not evidence."""
    result, _, _ = report
    assert all(m.similarity == 0 for p in result.pairs for m in p.questions if m.question == "grid")
    assert result.weights["grid"] < result.weights["broadcast"]


def test_normalising_ignores_comments_layout_docstrings_and_order():
    one = 'def g(x):\n    return x\n\ndef f(a):\n    """doc"""\n    # hi\n    return  a+1\n'
    two = "def f(a):\n    return a + 1\n\n\ndef g(x):\n    return x  # bye\n"
    assert normalise(one) == normalise(two)
    assert normalise("not python (") == "not python ("


def test_the_page_opens_in_chromium_and_escapes_student_code(report, chromium, tmp_path, bank):
    from selenium.webdriver.common.by import By

    entries, _ = synthetic_class()
    sneaky = dict(entries[0][1])
    sneaky["questions"] = [
        dict(q, code=q["code"] + "\n# </pre><script>alert(1)</script>") for q in sneaky["questions"]
    ]
    twin = dict(sneaky)
    page = similarity_html(build_similarity([("x", sneaky), ("y", twin)], bank, CORE))
    assert "<script>alert(1)</script>" not in page
    path = tmp_path / "similarity.html"
    path.write_text(similarity_html(report[0]), encoding="utf-8")
    chromium.get(path.as_uri())
    rows = chromium.find_elements(By.CSS_SELECTOR, "table.pairs tr")
    assert len(rows) > 5
    assert chromium.find_elements(By.CSS_SELECTOR, "section mark")  # shared code marked
    chromium.save_screenshot(str(tmp_path / "similarity.png"))


def test_the_command_reads_gradebooks_and_compares_across_terms(tmp_path, capsys):
    entries, planted = synthetic_class()
    now = tmp_path / "now.sqlite"
    old = tmp_path / "last-year.sqlite"
    with Gradebook(now) as book, Gradebook(old) as past:
        for index, (student, result) in enumerate(entries):
            target = past if student == "renamed-a" else book  # the source sat an earlier term
            target.record(
                student=student,
                assignment=CORE,
                sha256=f"{index:064x}",
                source=f"{student}.ipynb",
                submitted_at="2026-12-01T10:00:00+00:00",
                result={**result, **_result_fields()},
            )
    out = tmp_path / "similarity.html"
    code = main(
        ["report", "similarity", "--db", str(now), "--assignment", CORE, "--out", str(out),
         "--json", str(tmp_path / "pairs.json"), "--archive", str(old)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    pairs = json.loads((tmp_path / "pairs.json").read_text())["pairs"]
    top = {frozenset((p["a"], p["b"])) for p in pairs[:5]}
    assert frozenset(("renamed-a (last-year)", "renamed-b")) in top
    assert set(pairs[0]["questions"]) == set(QUESTIONS)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _result_fields() -> dict:
    """What a stored result needs beyond the questions (the gradebook keeps it as is)."""
    return {"timings": {"total_s": 0.1}, "grader_version": "test"}


def test_grading_keeps_each_questions_answer_cell_for_the_report(grade, bank):
    from .conftest import ROOT

    result = grade(ROOT / "solutions" / f"{CORE}.ipynb")
    for question in result["questions"]:
        reference = bank.questions[question["id"]]
        expected = reference.solution_for(reference.variant(0)).strip()
        assert question["code"].strip() == expected
