"""`grader bank selftest`: grades references, starters and mutants through the real sandbox, and
names what is wrong in a broken bank."""

from __future__ import annotations

import json

import pytest
import yaml

import grader.commandline
from grader.authoring.selftest import run_selftest
from grader.bank.loader import load_bank
from grader.cli import main
from grader.grade import Grader


@pytest.fixture
def warm_cli(monkeypatch, fork_engine):
    """The CLI with the session's fork engine instead of a new one (saves its start-up): a
    Grader given an open engine leaves it open."""
    from grader.grade import Grader

    def grader_from_args(args, bank, assignment):
        return Grader(bank, assignment, engine=fork_engine, device=args.device)

    monkeypatch.setattr(grader.commandline, "grader_from_args", grader_from_args)


def test_selftest_json_on_two_questions(capsys, warm_cli):
    assert main(["bank", "selftest", "--question", "grid", "two-losses", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["questions"] == 2
    assert report["references"] == {"full_marks": 2, "total": 2}
    assert report["starters"] == {"zero_on_hidden": 2, "total": 2}
    assert report["mutants"]["caught"] == report["mutants"]["total"] >= 6
    assert report["kill_rate"] == 1.0
    assert report["failures"] == []
    assert report["engine"] == "fork"
    assert set(report["topics"]) == {"ndarray", "autograd"}
    assert report["assignment_notebooks"]["total"] == 0  # --question: no assignments
    by_variant = {(r["id"], r["variant"]): r for r in report["results"]}
    reference = by_variant[("grid", "reference")]
    assert reference["ok"] and reference["score"] == reference["max_score"] > 0
    starter = by_variant[("grid", "starter")]
    assert starter["hidden_score"] == 0 < starter["hidden_max"]
    mutants = [r for r in report["results"] if r["variant"].startswith("mutant:")]
    assert all(m["caught_by"] and m["hidden_score"] < m["hidden_max"] for m in mutants)


def _edit_question(bank_dir, topic, qid, change):
    path = bank_dir / topic / qid / "question.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_broken_bank_exits_1_naming_each_problem(bank_copy, capsys, warm_cli):
    solutions = bank_copy.parent / "solutions"
    grid_reference = (solutions / "grid.py").read_text(encoding="utf-8")
    concat_reference = (solutions / "concat.py").read_text(encoding="utf-8")

    def mutant_is_the_reference(data):
        data["mutants"][0]["code"] = grid_reference

    def starter_solves_it(data):
        data["starter"] = concat_reference

    _edit_question(bank_copy, "ndarray", "grid", mutant_is_the_reference)
    _edit_question(bank_copy, "ndarray", "concat", starter_solves_it)
    sgd_mutant = load_bank(bank_copy)[0].questions["sgd-step"].mutants[0].code
    (solutions / "sgd-step.py").write_text(sgd_mutant, encoding="utf-8")
    mutant_name = load_bank(bank_copy)[0].questions["grid"].mutants[0].name

    argv = ["--bank", str(bank_copy), "bank", "selftest", "--question"]
    assert main([*argv, "grid", "concat", "sgd-step"]) == 1
    captured = capsys.readouterr()
    mutants = sum(
        len(load_bank(bank_copy)[0].questions[q].mutants) for q in ("grid", "concat", "sgd-step")
    )
    assert (
        f"mutant kill rate: {(mutants - 1) / mutants:.1%} ({mutants - 1}/{mutants})" in captured.out
    )
    err = " ".join(captured.err.split())
    assert f"grid: mutant:{mutant_name}: not caught" in err
    assert "concat: starter:" in err and "points on hidden checks instead of 0" in err
    assert "sgd-step: reference:" in err and "instead of full marks" in err
    assert "3 failure(s)" in err


def test_assignment_notebooks_missing_templates_are_named(bank_copy, fork_engine):
    # bank_copy holds bank/ and solutions/ but no student_templates/.
    bank, problems = load_bank(bank_copy)
    assert problems == []
    with Grader(bank, None, engine=fork_engine, device="cpu") as grader:
        report = run_selftest(bank, grader, [], ["calculus"])
    outcome = {r.variant: r for r in report.results}
    assert outcome["solution-notebook"].ok
    assert outcome["solution-notebook"].score == outcome["solution-notebook"].max_score > 0
    for lang in ("zh", "en"):
        failure = outcome[f"template-{lang}"]
        assert not failure.ok
        assert "no such file" in failure.problem and "grader assign calculus" in failure.problem
    assert not report.ok


def test_unknown_question_exits_2(capsys):
    assert main(["bank", "selftest", "--question", "no-such-question"]) == 2
    assert "unknown question 'no-such-question'" in capsys.readouterr().err


def test_alternates_credit_and_leaks_in_the_report(tmp_path, capsys, warm_cli):
    from tests.test_validity import SHAPES_LEAKY_CHECKS, edit_question, make_tiny_bank

    bank = make_tiny_bank(tmp_path)

    def break_it(data):
        data["alternates"].append(
            {"name": "times-float", "code": "def double(x):\n    return x * 2.0\n"}
        )
        data["mutants"][1]["credit"] = 0.5

    edit_question(bank, "tiny-double", break_it)
    (bank / "ndarray/tiny-shapes/checks.py").write_text(SHAPES_LEAKY_CHECKS, encoding="utf-8")
    argv = ["--bank", str(bank), "bank", "selftest", "--question", "tiny-double", "tiny-shapes"]
    assert main([*argv, "--json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["alternates"] == {"full_marks": 2, "total": 3}
    mutants = report["mutants"]
    assert (mutants["caught"], mutants["within_credit"], mutants["total"]) == (4, 3, 4)
    assert mutants["mean_credit"] == pytest.approx(0.5 / 4)
    assert mutants["mean_score_fraction"] == pytest.approx(2 / 3 / 4, abs=1e-6)
    assert report["leaks"]["count"] >= 2
    assert {leak["question"] for leak in report["leaks"]["details"]} == {"tiny-shapes"}
    failures = {(f["id"], f["variant"]): f["problem"] for f in report["failures"]}
    assert set(failures) == {
        ("tiny-double", "alternate:times-float"),
        ("tiny-double", "mutant:always-float"),
    }
    assert "2/3 instead of full marks" in failures[("tiny-double", "alternate:times-float")]
    assert (
        "earns 2/3 (67%), more than its credit 0.5 (50%)"
        in (failures[("tiny-double", "mutant:always-float")])
    )
    by_variant = {r["variant"]: r for r in report["results"] if r["id"] == "tiny-double"}
    assert by_variant["alternate:x-plus-x"]["ok"] and by_variant["alternate:torch-mul"]["ok"]
    assert by_variant["mutant:always-float"]["caught"] is True
    assert by_variant["mutant:always-float"]["credit"] == 0.5

    assert main(argv) == 1  # the table counts alternates at full marks, mutants within credit
    captured = capsys.readouterr()
    row = next(line for line in captured.out.splitlines() if "ndarray" in line)
    assert "2/3" in row and "3/4" in row
    assert "leak(s)" in captured.err


def test_selftest_of_one_assignment(capsys):
    """--assignment: that assignment's questions and its three notebooks, nothing else."""
    import json

    from grader.bank.loader import load_bank
    from grader.cli import main

    bank, _ = load_bank()
    assert main(["bank", "selftest", "--assignment", "probability", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["references"]["total"] == len(bank.assignments["probability"].question_ids)
    assert report["assignment_notebooks"]["total"] == 3
