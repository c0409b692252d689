"""Per-student variants (docs/variants.md): the draw, the notebooks, grading, and what follows.

A roster of students gets notebooks from `grader assign --roster`; each student's solution
notebook earns full marks as that student and loses points on the variant questions as
another; a notebook whose metadata names another student changes nothing; grading a variant
assignment without an id or without the secret exits 2.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.bank.variants import (
    checked_indices,
    choice_label,
    draw_index,
    render,
    space_size,
    variant_at,
)
from grader.cli import main
from grader.grade import grade_submission, plan_devices, question_variants, validate_result
from grader.reports.classreport import build_class_report
from grader.submission import load_submission

QUIZ = "preliminaries-quiz"
SECRET = "a-course-secret-for-the-tests-0123456789"
STUDENTS = ["ada", "bo", "chen", "dara"]


# -- the draw and the templates -------------------------------------------------------------


def test_the_draw_is_stable_spread_and_changes_with_the_secret():
    draws = [draw_index(b"s" * 20, QUIZ, "q", f"student{i}", 7) for i in range(400)]
    assert draws == [draw_index(b"s" * 20, QUIZ, "q", f"student{i}", 7) for i in range(400)]
    assert set(draws) == set(range(7))  # every variant is used
    other = [draw_index(b"t" * 20, QUIZ, "q", f"student{i}", 7) for i in range(400)]
    assert sum(a != b for a, b in zip(draws, other, strict=True)) > 250
    # the question and the assignment take part: one student's draws differ across questions
    assert len({draw_index(b"s" * 20, QUIZ, f"q{i}", "ada", 7) for i in range(40)}) > 3


def test_the_space_its_order_and_the_sample():
    parameters = {"shape": [[2, 3], [3, 2]], "dim": [0, 1, 2]}
    assert space_size(parameters) == 6
    assert variant_at(parameters, 0) == {"shape": [2, 3], "dim": 0}  # the default: firsts
    assert variant_at(parameters, 5) == {"shape": [3, 2], "dim": 2}
    assert checked_indices(6, None) == list(range(6))
    assert checked_indices(100, 5) == [0, 25, 50, 74, 99]


def test_templates_fill_only_declared_names():
    variant = {"shape": [2, 3], "dim": 1, "dtype": "float32", "order": ["b", "a"]}
    text = "torch.zeros({shape}).sum({dim}) {shape[1]} torch.{dtype} {x} {'a': 1} {letter[a]}"
    assert render(text, variant) == "torch.zeros((2, 3)).sum(1) 3 torch.float32 {x} {'a': 1} B"
    assert render("{choices}", variant, {"a": "yes", "b": "no"}) == "- **A.** no\n- **B.** yes"
    assert choice_label(variant, "b") == "A"
    assert render(
        "{die[faces]}-sided {die[en]} {die[none]}", {"die": {"faces": 8, "en": "die"}}
    ) == ("8-sided die {die[none]}")


# -- the bank ---------------------------------------------------------------------------------


def test_the_quiz_has_variants_on_every_question_of_every_kind_and_topic(bank):
    quiz = bank.assignments[QUIZ]
    assert quiz.variants
    questions = bank.assignment_questions(QUIZ)
    assert len(questions) >= 16
    assert all(q.variants and q.variant_count >= 2 for q in questions)
    assert {q.kind for q in questions} == {"function", "value", "choice", "predict"}
    assert {q.topic for q in questions} == set(bank.topics)
    # other assignments keep today's questions: the default variant renders the committed texts
    assert not bank.assignments["preliminaries-core"].variants


def test_answers_differ_between_variants(bank):
    """A shared answer key fails: the reference of one variant is wrong in most others."""
    from grader.authoring.inprocess import run_in_process

    for question in bank.assignment_questions(QUIZ):
        variants = question.checked_variants()[:4]
        own = question.solution_for(variants[0])
        losses = [
            run_in_process(question, own, None, other).fraction < 1.0 for other in variants[1:]
        ]
        assert any(losses), f"{question.id}: variant 0's answer is right in every variant"


# -- notebooks per student ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    work = tmp_path_factory.mktemp("handout")
    (work / "secret").write_text(SECRET + "\n")
    roster = work / "roster.csv"
    roster.write_text("student,name\n" + "".join(f"{s},Student {s}\n" for s in STUDENTS))
    out = work / "out"
    code = main(
        [
            "assign",
            QUIZ,
            "--roster",
            str(roster),
            "--out",
            str(out),
            "--lang",
            "zh",
            "--solutions",
            "--secret-file",
            str(work / "secret"),
        ]
    )
    assert code == 0
    return work, out


def test_assign_writes_one_notebook_per_student_in_their_variants(handout, bank):
    work, out = handout
    for student in STUDENTS:
        notebook = nbformat.read(out / f"{student}.zh.ipynb", as_version=4)
        meta = notebook.metadata["d2l_grader"]
        assert meta["student"] == student  # a display copy
        assert student in notebook.cells[0].source
        assert set(meta) == {"assignment", "lang", "solutions", "student"}  # no variant
        assert (out / "solutions" / f"{student}.ipynb").exists()
    assert not (out / "ada.en.ipynb").exists()
    prompts = {
        s: [c.source for c in nbformat.read(out / f"{s}.zh.ipynb", 4).cells] for s in STUDENTS
    }
    assert len({tuple(p) for p in prompts.values()}) == len(STUDENTS)  # each their own


@pytest.fixture(scope="module")
def graded(handout, bank, fork_engine):
    work, out = handout

    def grade(path: Path, student: str | None, roster=None) -> dict:
        result = grade_submission(
            load_submission(path),
            bank,
            QUIZ,
            fork_engine,
            None,
            plan_devices("cpu"),
            student=student,
            secret=SECRET.encode(),
            roster=roster,
        )
        validate_result(result)
        return result

    return grade


def test_each_solution_earns_full_marks_as_its_student_only(handout, graded, bank):
    work, out = handout
    chosen = {
        s: question_variants(bank, QUIZ, bank.assignment_questions(QUIZ), s, SECRET.encode())
        for s in STUDENTS
    }
    for position, student in enumerate(STUDENTS):
        path = out / "solutions" / f"{student}.ipynb"
        own = graded(path, student)
        assert own["score"] == own["max_score"] > 0, student
        assert own["student"] == student
        assert all(q["variant"] == chosen[student][q["id"]] for q in own["questions"])
        other = STUDENTS[(position + 1) % len(STUDENTS)]
        as_other = graded(path, other)
        differ = {qid for qid in chosen[student] if chosen[student][qid] != chosen[other][qid]}
        assert len(differ) >= 8  # most questions differ between two students
        lost = {q["id"] for q in as_other["questions"] if q["score"] < q["max_score"]}
        assert lost and lost <= differ
        assert len(lost) >= len(differ) // 2


def test_notebook_metadata_naming_another_student_changes_nothing(handout, graded, tmp_path):
    work, out = handout
    notebook = nbformat.read(out / "solutions" / "ada.ipynb", as_version=4)
    notebook.metadata["d2l_grader"]["student"] = "bo"
    forged = tmp_path / "forged.ipynb"
    nbformat.write(notebook, forged)
    honest = graded(out / "solutions" / "ada.ipynb", "ada")
    claimed = graded(forged, "ada")
    assert claimed["score"] == honest["score"] == honest["max_score"]
    assert [q["variant"] for q in claimed["questions"]] == [
        q["variant"] for q in honest["questions"]
    ]


def test_an_id_not_in_the_roster_is_graded_and_flagged(handout, graded):
    work, out = handout
    result = graded(out / "solutions" / "ada.ipynb", "ada", roster=frozenset({"bo"}))
    assert result["score"] == result["max_score"]
    assert any("not in the roster" in note for note in result["notes"])
    assert not any(
        "roster" in n
        for n in graded(out / "solutions" / "ada.ipynb", "ada", frozenset({"ada"}))["notes"]
    )


def test_grading_without_id_or_secret_exits_2(handout, capsys, monkeypatch):
    work, out = handout
    monkeypatch.delenv("GRADER_SECRET", raising=False)
    path = str(out / "solutions" / "ada.ipynb")
    assert main(["grade", path, "--assignment", QUIZ, "--secret-file", str(work / "secret")]) == 2
    assert "--student" in capsys.readouterr().err
    assert main(["grade", path, "--assignment", QUIZ, "--student", "ada"]) == 2
    assert "GRADER_SECRET" in capsys.readouterr().err
    assert main(["assign", QUIZ]) == 2  # no shared template for a variant assignment
    monkeypatch.setenv("GRADER_SECRET", "short")
    assert main(["grade", path, "--assignment", QUIZ, "--student", "ada"]) == 2
    assert "at least" in capsys.readouterr().err


def test_secret_init_writes_a_private_secret_once(tmp_path, capsys):
    path = tmp_path / "secret"
    assert main(["secret", "init", str(path)]) == 0
    assert len(path.read_text().strip()) == 64 and (path.stat().st_mode & 0o777) == 0o600
    before = path.read_text()
    assert main(["secret", "init", str(path)]) == 2
    assert path.read_text() == before


def test_batch_takes_ids_from_file_names_and_reports_break_down_by_variant(handout, bank, tmp_path):
    work, out = handout
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for student in STUDENTS[:3]:
        (submissions / f"{student}.ipynb").write_bytes(
            (out / "solutions" / f"{student}.ipynb").read_bytes()
        )
    # dara hands in ada's solution under her own name
    (submissions / "dara.ipynb").write_bytes((out / "solutions" / "ada.ipynb").read_bytes())
    db = tmp_path / "book.sqlite"
    code = main(
        [
            "batch",
            str(submissions),
            "--assignment",
            QUIZ,
            "--db",
            str(db),
            "--workers",
            "1",
            "--quiet",
            "--secret-file",
            str(work / "secret"),
        ]
    )
    assert code == 0
    from grader.gradebook.store import Gradebook

    with Gradebook(db) as book:
        entries = [(row.student, row.result) for row in book.results(QUIZ) if row.result]
    scores = {student: result["score"] for student, result in entries}
    maximum = entries[0][1]["max_score"]
    assert [scores[s] for s in STUDENTS[:3]] == [maximum] * 3
    assert scores["dara"] < maximum
    report = build_class_report(entries, bank, QUIZ)
    assert report.variants and all(v.scores for v in report.variants)
    assert {v.question for v in report.variants} == set(bank.assignments[QUIZ].question_ids)


def test_feedback_shows_the_prompt_the_student_was_given(handout, graded, bank):
    from grader.reports.feedback import build_feedback

    work, out = handout
    result = graded(out / "solutions" / "bo.ipynb", "bo")
    feedback = build_feedback("bo", result, bank, "zh")
    for shown in feedback.questions:
        variant = next(q["variant"] for q in result["questions"] if q["id"] == shown.id)
        question = bank.questions[shown.id].rendered(variant)
        assert shown.prompt == question.prompt["zh"] and shown.title == question.title["zh"]
