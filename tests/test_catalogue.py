"""bank/README.md is generated from the bank, and the section assignments cover their topics."""

from __future__ import annotations

import yaml

from grader.authoring.catalogue import catalogue_path, render_catalogue
from grader.cli import main


def test_committed_catalogue_is_fresh(bank):
    path = catalogue_path(bank)
    assert path.exists() and path.read_text(encoding="utf-8") == render_catalogue(bank), (
        "bank/README.md is stale; run: grader bank catalogue"
    )


def test_catalogue_lists_every_question_with_its_points(bank):
    text = render_catalogue(bank)
    for question in bank.questions.values():
        question = question.rendered(question.variant(0))  # the catalogue shows the default
        row = next(line for line in text.splitlines() if line.startswith(f"| [`{question.id}`]"))
        assert question.title["en"] in row and question.title["zh"] in row
        assert f"| {question.points:g}" in row
        assert question.mutants[0].mistake["en"].split()[0] in row


def test_check_flags_a_stale_catalogue_and_regenerating_fixes_it(bank_copy, capsys):
    path = bank_copy / "ndarray" / "grid" / "question.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"]["en"] = "A renamed grid question"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    argv = ["--bank", str(bank_copy), "bank", "catalogue"]
    assert main([*argv, "--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert main(argv) == 0
    assert main([*argv, "--check"]) == 0
    assert "A renamed grid question" in (bank_copy / "README.md").read_text(encoding="utf-8")


def test_each_section_assignment_holds_its_whole_topic_easiest_first(bank):
    for topic in bank.topics:
        assert topic in bank.assignments, f"no assignment for the section {topic!r}"
        questions = bank.assignment_questions(topic)
        expected = sorted(
            (q for q in bank.questions.values() if q.topic == topic),
            key=lambda q: (q.difficulty, q.id),
        )
        assert [q.id for q in questions] == [q.id for q in expected], (
            f"bank/assignments/{topic}.yaml must list every {topic} question, easiest first"
        )


def test_catalogue_shows_alternates_and_each_mutants_credit(bank):
    text = render_catalogue(bank)
    assert "| alternates | the hidden checks catch |" in text
    for question in bank.questions.values():
        if question.source != "bank":
            continue
        row = next(line for line in text.splitlines() if line.startswith(f"| [`{question.id}`]"))
        assert f"| {len(question.alternates)} |" in row
        assert row.count("(credit ") == len(question.mutants)
        for mutant in question.mutants:
            assert f"(credit {mutant.credit:g})" in row
