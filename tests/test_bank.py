"""The bank: format, validation messages, and that every question really works."""

from __future__ import annotations

import json

import pytest

from grader.authoring.inprocess import run_code_in_process
from grader.authoring.verify import validate_bank
from grader.bank.loader import load_bank
from grader.cli import main
from grader.judge.grading import declared_points

CORE_IDS = [
    "grid",
    "concat",
    "broadcast",
    "inplace-add",
    "sgd-step",
    "normalize-rows",
    "vector-norms",
    "quad-form-grad",
    "two-losses",
    "detach",
    "control-flow",
    "second-derivative",
    "device-zeros",
    "sum-shapes",
]


def all_questions():
    bank, _ = load_bank()
    return sorted(bank.questions.values(), key=lambda q: q.id)


def all_mutants():
    return [(q, m) for q in all_questions() for m in q.mutants]


def test_core_assignment_has_the_fourteen_ids(bank):
    assert bank.assignments["preliminaries-core"].question_ids == CORE_IDS


def test_bank_list_json(capsys):
    assert main(["bank", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {q["id"] for q in listed} >= set(CORE_IDS)
    for q in listed:
        assert set(q) >= {"id", "topic", "difficulty", "points", "title"}
        assert q["title"]["zh"] and q["title"]["en"]
        assert 1 <= q["difficulty"] <= 3


def test_bank_list_by_topic(capsys):
    assert main(["bank", "list", "--topic", "autograd", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and {q["topic"] for q in listed} == {"autograd"}


def test_validate_clean_bank_exits_0():
    assert main(["bank", "validate"]) == 0


@pytest.mark.parametrize("question", all_questions(), ids=lambda q: q.id)
def test_reference_passes_every_check(question):
    result, error = run_code_in_process(question, question.solution())
    assert error is None
    failing = [
        (c.name, c.status, c.message)
        for c in result.checks
        if c.status not in ("passed", "skipped")
    ]
    assert failing == []
    assert result.score == result.max_score > 0
    assert declared_points(question) == pytest.approx(question.points)


@pytest.mark.parametrize("question", all_questions(), ids=lambda q: q.id)
def test_starter_scores_zero_on_hidden_checks(question):
    result, _ = run_code_in_process(question, question.starter)
    assert result.hidden_score() == 0


@pytest.mark.parametrize(
    ("question", "mutant"),
    all_mutants(),
    ids=lambda v: getattr(v, "id", None) or getattr(v, "name", ""),
)
def test_every_mutant_fails_a_hidden_check(question, mutant):
    result, _ = run_code_in_process(question, mutant.code)
    failed_hidden = [
        c
        for c in result.checks
        if c.visibility == "hidden" and c.status in ("failed", "error", "timeout")
    ]
    assert failed_hidden, f"{question.id}/{mutant.name} passes every hidden check"
    assert result.score < result.max_score


def test_messages_do_not_reveal_expected_values(bank):
    # The grid mutant that starts at 1 gets told *how many* values are wrong, not which values.
    question = bank.questions["grid"]
    mutant = next(m for m in question.mutants if m.name == "starts-at-one")
    result, _ = run_code_in_process(question, mutant.code)
    hidden = [c for c in result.checks if c.visibility == "hidden" and c.status == "failed"]
    assert hidden
    for check in hidden:
        assert "values are wrong" in check.message
        assert "tensor(" not in check.message


# --- broken question files are reported by file and field -----------------------------------


def _problems(root):
    _, problems = validate_bank(root)
    return [str(p) for p in problems]


def _load_problems(root):
    """What loading finds (the schema, the topics, YAML): without validate's proofs (~6 s)."""
    _, problems = load_bank(root)
    return [str(p) for p in problems]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_field(bank_copy):
    _edit(bank_copy / "ndarray/grid/question.yaml", "difficulty: 1\n", "")
    problems = _load_problems(bank_copy)
    assert any(
        "bank/ndarray/grid/question.yaml" in p and "difficulty" in p and "missing" in p
        for p in problems
    )


def test_wrong_type(bank_copy):
    _edit(bank_copy / "ndarray/grid/question.yaml", "points: 3\n", "points: five\n")
    problems = _load_problems(bank_copy)
    assert any("grid/question.yaml: points:" in p and "wrong type" in p for p in problems)


def test_unknown_topic(bank_copy):
    _edit(bank_copy / "ndarray/grid/question.yaml", "topic: ndarray\n", "topic: optics\n")
    problems = _load_problems(bank_copy)
    assert any(
        "grid/question.yaml: topic:" in p and "unknown topic 'optics'" in p for p in problems
    )


def test_duplicate_id(bank_copy):
    import shutil

    shutil.copytree(bank_copy / "ndarray/grid", bank_copy / "linear-algebra/grid")
    _edit(
        bank_copy / "linear-algebra/grid/question.yaml",
        "topic: ndarray\n",
        "topic: linear-algebra\n",
    )
    problems = _problems(bank_copy)
    assert any("question.yaml: id:" in p and "duplicate id 'grid'" in p for p in problems)


def test_prompt_missing_a_language(bank_copy):
    path = bank_copy / "ndarray/grid/question.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  zh: |\n    编写函数 `make_grid")
    end = text.index("defines:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    problems = _load_problems(bank_copy)
    assert any(
        "grid/question.yaml: prompt:" in p and "'zh' is a required property" in p for p in problems
    )


def test_reference_failing_its_checks(bank_copy):
    _edit(bank_copy.parent / "solutions/grid.py", "dtype=torch.float32", "dtype=torch.float64")
    problems = _problems(bank_copy)
    assert any(
        "solutions/grid.py: test_shape_dtype_and_values[4-3]: the reference fails its own check"
        in p
        for p in problems
    )


def test_mutant_not_caught(bank_copy):
    _edit(
        bank_copy / "ndarray/grid/question.yaml",
        "return torch.arange(rows * cols).reshape(rows, cols)",
        "return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)",
    )
    problems = _problems(bank_copy)
    assert any(
        "grid/question.yaml: mutants.int64: no hidden check catches this mutant" in p
        for p in problems
    )


def test_points_must_add_up(bank_copy):
    _edit(bank_copy / "ndarray/grid/question.yaml", "points: 3\n", "points: 7\n")
    problems = _problems(bank_copy)
    assert any("grid/question.yaml: points: is 7 but its checks add up to 3" in p for p in problems)


def test_invalid_yaml(bank_copy):
    (bank_copy / "ndarray/grid/question.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = _load_problems(bank_copy)
    assert any("grid/question.yaml: line" in p and "not valid YAML" in p for p in problems)


def test_validate_command_names_file_and_field_without_traceback(bank_copy, capsys):
    _edit(bank_copy / "ndarray/grid/question.yaml", "difficulty: 1\n", "difficulty: 4\n")
    assert main(["--bank", str(bank_copy), "bank", "validate"]) == 1
    err = capsys.readouterr().err
    assert "grid/question.yaml: difficulty:" in err
    assert "Traceback" not in err


def test_names_defined_twice_are_reported(bank_copy):
    _edit(
        bank_copy / "linear-algebra/sum-shapes/question.yaml",
        "  - name: SUM_SHAPES\n",
        "  - name: make_grid\n",
    )
    problems = _problems(bank_copy)
    assert any("defines.0: the name 'make_grid' is also defined by question" in p for p in problems)
