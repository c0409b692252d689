"""`grader bank selftest`: grades references, starters and mutants through the real sandbox, and
names what is wrong in a broken bank."""

from __future__ import annotations

import json

import pytest
import yaml

import grader.cli
from grader.bank.loader import load_bank
from grader.bank.selftest import run_selftest
from grader.cli import main
from grader.grade import plan_devices
from grader.sandbox.base import Limits


class _Borrowed:
    """The session's warm fork engine, lent to the CLI: its close() leaves it running."""

    def __init__(self, engine):
        self._engine = engine

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def close(self):
        pass


@pytest.fixture
def warm_cli(monkeypatch, fork_engine):
    """The CLI with the session's fork engine instead of a new one (saves its start-up)."""
    monkeypatch.setattr(grader.cli, "open_engine", lambda args, gpu: _Borrowed(fork_engine))


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
    report = run_selftest(bank, fork_engine, Limits(), plan_devices("cpu"), [], ["calculus"])
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
