"""A score that means the skill: `grader bank validate` proves that alternates earn full marks,
mutants at most their credit, starters 0; that points follow difficulty; and that no failure
message of a value, choice or predict question gives its answer away.

The tests use a tiny bank of their own (one function question, one predict question), written
here so that they do not move while the real bank's content changes, and run in-process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
import yaml

from grader.authoring.leaks import find_leaks, message_leaks
from grader.authoring.verify import validate_bank
from grader.bank.loader import load_bank
from grader.judge import CheckFailed, check_answer

ROOT = Path(__file__).resolve().parents[1]

DOUBLE = {
    "id": "tiny-double",
    "topic": "ndarray",
    "difficulty": 1,
    "points": 3,
    "kind": "function",
    "title": {"en": "Double a tensor", "zh": "张量加倍"},
    "prompt": {"en": "Write `double(x)`: twice `x`, same dtype.", "zh": "编写 `double(x)`。"},
    "defines": [{"name": "double", "kind": "function", "signature": "double(x)"}],
    "starter": "def double(x):\n    ...\n",
    "public_checks": [
        {
            "name": "a float vector",
            "points": 1,
            "doctest": ">>> double(torch.tensor([1.0, 2.0]))\ntensor([2., 4.])\n",
        }
    ],
    "mutants": [
        {
            "name": "plus-one",
            "mistake": {"en": "adds one instead of doubling", "zh": "加一而不是加倍"},
            "hint": {"en": "doubling multiplies by two", "zh": "加倍是乘以二"},
            "credit": 0,
            "code": "def double(x):\n    return x + 1\n",
        },
        {
            "name": "always-float",
            "mistake": {
                "en": "multiplies by 2.0, so integers come back as floats",
                "zh": "乘以 2.0，整数变成了浮点数",
            },
            "hint": {"en": "print the result's dtype", "zh": "打印结果的 dtype 看看"},
            "credit": 0.7,
            "code": "def double(x):\n    return x * 2.0\n",
        },
    ],
    "alternates": [
        {"name": "x-plus-x", "code": "def double(x):\n    return x + x\n"},
        {
            "name": "torch-mul",
            "code": "import torch\n\ndef double(x):\n    return torch.mul(x, 2)\n",
        },
    ],
}

DOUBLE_CHECKS = '''
import torch

from grader.judge import check_tensor, points


@points(1)
def test_floats(student, rng):
    """twice a random float tensor"""
    x = torch.randn(3, 4, generator=rng)
    check_tensor(student.double(x), 2 * x)


@points(1)
def test_integers_keep_their_dtype(student, rng):
    """twice an integer tensor, still integers"""
    x = torch.randint(-5, 5, (4,), generator=rng)
    check_tensor(student.double(x), 2 * x)
'''

SHAPES = {
    "id": "tiny-shapes",
    "topic": "ndarray",
    "difficulty": 1,
    "points": 2,
    "kind": "predict",
    "title": {"en": "Shape or error", "zh": "形状还是报错"},
    "prompt": {
        "en": (
            "For A. `torch.ones(2, 3).sum(0)`, B. `torch.ones(2, 3) + torch.ones(3, 2)`, "
            "C. `torch.ones(4, 1) * torch.ones(1, 5)`, set `SHAPES` to a tuple of 3 entries: "
            "the shape as a tuple of ints, or None when it raises."
        ),
        "zh": "把 `SHAPES` 设为由 3 个元素组成的元组。",
    },
    "defines": [{"name": "SHAPES", "kind": "variable"}],
    "starter": "SHAPES = None\n",
    "public_checks": [
        {"name": "three entries", "points": 0, "doctest": ">>> len(SHAPES)\n3\n"},
    ],
    "mutants": [
        {
            "name": "keeps-axis",
            "mistake": {"en": "thinks sum keeps the summed axis", "zh": "以为求和保留被求和的轴"},
            "hint": {"en": "print X.sum(0).shape", "zh": "打印 X.sum(0).shape 看看"},
            "code": "SHAPES = ((1, 3), None, (4, 5))\n",
        },
        {
            "name": "no-stretch",
            "mistake": {
                "en": "thinks size-1 axes do not stretch",
                "zh": "以为长度为 1 的轴不会扩展",
            },
            "hint": {
                "en": "try broadcasting a (3, 1) and a (1, 4)",
                "zh": "试试把 (3, 1) 和 (1, 4) 广播",
            },
            "code": "SHAPES = ((3,), None, None)\n",
        },
    ],
}

SHAPES_CHECKS = '''
from grader.judge import check_answer, points


@points(2)
def test_shapes(student):
    """the shape of each result, or None"""
    check_answer(student.value("SHAPES"), ((3,), None, (4, 5)), "SHAPES", labels="ABC")
'''

# The same check, written with check_equal item by item: it tells a student how many axes a
# shape has, and that an item should not be None.
SHAPES_LEAKY_CHECKS = '''
from grader.judge import check_equal, points


@points(2)
def test_shapes(student):
    """the shape of each result, or None"""
    value = student.value("SHAPES")
    for index, expected in enumerate(((3,), None, (4, 5))):
        check_equal(value[index], expected, f"item {index + 1} of SHAPES")
'''


def _write_question(bank: Path, data: dict, checks: str, solution: str) -> None:
    folder = bank / data["topic"] / data["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "question.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (folder / "checks.py").write_text(checks, encoding="utf-8")
    (bank.parent / "solutions" / f"{data['id']}.py").write_text(solution, encoding="utf-8")


def make_tiny_bank(root: Path) -> Path:
    """bank/ and solutions/ under `root` with the two tiny questions and an assignment of both;
    returns the bank folder."""
    bank = root / "bank"
    bank.mkdir(parents=True)
    (root / "solutions").mkdir()
    shutil.copy(ROOT / "bank" / "topics.yaml", bank / "topics.yaml")
    _write_question(bank, DOUBLE, DOUBLE_CHECKS, "def double(x):\n    return 2 * x\n")
    _write_question(bank, SHAPES, SHAPES_CHECKS, "SHAPES = ((3,), None, (4, 5))\n")
    (bank / "assignments").mkdir()
    assignment = {
        "name": "tiny",
        "title": {"en": "Two tiny questions", "zh": "两道小题"},
        "questions": [DOUBLE["id"], SHAPES["id"]],
    }
    (bank / "assignments" / "tiny.yaml").write_text(
        yaml.safe_dump(assignment, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return bank


def edit_question(bank: Path, qid: str, change) -> None:
    path = next(bank.glob(f"*/{qid}/question.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def tiny_bank(tmp_path):
    return make_tiny_bank(tmp_path)


def problems_of(bank: Path) -> list[str]:
    _, problems = validate_bank(bank)
    return [str(p) for p in problems]


def test_the_tiny_bank_is_valid(tiny_bank):
    assert problems_of(tiny_bank) == []


def test_a_mutant_over_its_credit_is_reported(tiny_bank):
    def lower_credit(data):
        data["mutants"][1]["credit"] = 0.5

    edit_question(tiny_bank, "tiny-double", lower_credit)
    (problem,) = problems_of(tiny_bank)
    assert "bank/ndarray/tiny-double/question.yaml: mutants.always-float: earns 2/3 points" in (
        problem
    )
    assert "(67%), more than its credit 0.5 (50%)" in problem
    assert "declare credit: 0.67" in problem


def test_an_alternate_that_loses_points_is_reported(tiny_bank):
    def add_float_alternate(data):
        data["alternates"].append(
            {"name": "times-float", "code": "def double(x):\n    return x * 2.0\n"}
        )

    edit_question(tiny_bank, "tiny-double", add_float_alternate)
    (problem,) = problems_of(tiny_bank)
    assert "tiny-double/question.yaml: alternates.times-float: a correct answer earns 2/3" in (
        problem
    )
    assert "test_integers_keep_their_dtype (failed)" in problem


def test_a_starter_that_scores_is_reported(tiny_bank):
    def solve_in_starter(data):
        data["starter"] = "def double(x):\n    return x + x\n"

    edit_question(tiny_bank, "tiny-double", solve_in_starter)
    (problem,) = problems_of(tiny_bank)
    assert "tiny-double/question.yaml: starter: earns 2 point(s) on hidden checks" in problem


def test_a_function_question_needs_two_alternates(tiny_bank):
    def one_alternate(data):
        del data["alternates"][1:]

    edit_question(tiny_bank, "tiny-double", one_alternate)
    (problem,) = problems_of(tiny_bank)
    assert "tiny-double/question.yaml: alternates: a function question needs at least 2" in (
        problem
    )
    assert "it has 1" in problem


def test_public_points_in_a_predict_question_are_reported(tiny_bank):
    def pay_for_format(data):
        data["public_checks"][0]["points"] = 1
        data["points"] = 3

    edit_question(tiny_bank, "tiny-shapes", pay_for_format)
    problems = problems_of(tiny_bank)
    problem = next(p for p in problems if "public_checks" in p)
    assert (
        "tiny-shapes/question.yaml: public_checks.0.points: the public check 'three entries'"
        in (problem)
    )
    assert "set points: 0" in problem
    # ... and the point the format pays goes to every mutant, beyond its credit 0.
    assert sum("more than its credit 0 (0%)" in p for p in problems) == 2


@pytest.mark.parametrize(("difficulty", "public_points"), [(2, 1), (3, 1), (1, 2)])
def test_points_outside_the_difficulty_band_are_reported(tiny_bank, difficulty, public_points):
    points = 2 + public_points

    def rate(data):
        data["difficulty"] = difficulty
        data["public_checks"][0]["points"] = public_points
        data["points"] = points
        data["mutants"][1]["credit"] = 0.75  # it passes the public check and test_floats

    edit_question(tiny_bank, "tiny-double", rate)
    (problem,) = problems_of(tiny_bank)
    assert f"tiny-double/question.yaml: points: is {points}, but a {'★' * difficulty} question" in (
        problem
    )


# -- leaks ----------------------------------------------------------------------------------------


def test_a_leaking_message_is_reported_and_check_answer_is_not(tiny_bank):
    (tiny_bank / "ndarray/tiny-shapes/checks.py").write_text(SHAPES_LEAKY_CHECKS, encoding="utf-8")
    problems = problems_of(tiny_bank)
    assert problems, "check_equal's messages should count as leaks here"
    assert all(p.startswith("bank/ndarray/tiny-shapes/checks.py: test_shapes: ") for p in problems)
    text = "\n".join(problems)
    assert "gives the answer away to mutant:keeps-axis" in text
    assert "1 were expected" in text  # the count of axes of item 1
    assert "gives the answer away to mutant:no-stretch" in text
    assert "should be a tuple, but it is None" in text  # None-ness of item 3


def test_find_leaks_over_a_bank(tiny_bank):
    bank = load_bank(tiny_bank)[0]
    assert find_leaks(bank) == []
    (tiny_bank / "ndarray/tiny-shapes/checks.py").write_text(SHAPES_LEAKY_CHECKS, encoding="utf-8")
    leaks = find_leaks(bank)
    assert {leak.question for leak in leaks} == {"tiny-shapes"}
    assert {leak.variant for leak in leaks} >= {"mutant:keeps-axis", "mutant:no-stretch"}


EXPECTED = {"SHAPES": ((3,), None, (4, 5))}


@pytest.mark.parametrize(
    "message",
    [
        "item 1 of SHAPES has 2 items, but 1 were expected.",
        "item 3 of SHAPES should be a tuple, but it is None.",
        "item 2 of SHAPES should be None.",
        "SHAPES should have a different number of items.",
        "item 3 of SHAPES should be (4, 5).",
        "the shape for C is torch.Size([4, 5]) when it runs.",
        "SHAPES is not right: (4, 5) was expected for C.",
    ],
)
def test_messages_that_leak(message):
    assert message_leaks(message, EXPECTED, {"SHAPES": ((1, 3), None, None)}, kind="predict")


@pytest.mark.parametrize(
    "message",
    [
        "item 3 of SHAPES is not right.",
        "items A and C of SHAPES are not right.",
        "SHAPES is not right.",
        "SHAPES should be a tuple or a list, but it is None.",
        "item 1 of SHAPES is (1, 3), which is not right.",  # the student's own answer
        "item 2 should be a tuple of ints or None, not a str.",  # the format, both ways
    ],
)
def test_messages_that_do_not_leak(message):
    assert not message_leaks(message, EXPECTED, {"SHAPES": ((1, 3), None, None)}, kind="predict")


def test_leaks_of_values_counts_and_options():
    dtypes = {"DTYPES": (torch.int64, torch.float32)}
    assert message_leaks("the dtype for B should be torch.float32.", dtypes, kind="predict")
    assert message_leaks("entry B has dtype torch.int64, but torch.float32 was expected.", dtypes)
    assert not message_leaks("the dtype for B is not right.", dtypes, kind="predict")
    counts = {"COUNTS": (2, 2, 8)}
    assert message_leaks("item 3 of COUNTS should be 8.", counts)
    assert not message_leaks("item 3 of COUNTS is not right.", counts)
    # A count the format states (in a public check or the prompt) is no secret.
    assert message_leaks("COUNTS should be a tuple of 3 ints.", counts)
    assert not message_leaks("COUNTS should be a tuple of 3 ints.", counts, public_numbers=[3])
    letters = {"ANSWER": {"A", "C"}}
    assert message_leaks("option C should be in ANSWER.", letters, kind="choice")
    assert message_leaks("ANSWER should hold 'A'.", letters, kind="choice")
    assert not message_leaks(
        'ANSWER should be a set of letters such as {"A", "C"}, but it is None.',
        letters,
        kind="choice",
    )
    assert not message_leaks(
        "ANSWER should only hold letters among A, B, C, D.", letters, kind="choice"
    )
    assert not message_leaks("ANSWER is not correct.", letters, kind="choice")
    # Listing every option is the format; naming the right one is not.
    faster = {"FASTER": "(AB)C"}
    assert not message_leaks('FASTER should be one of "(AB)C", "A(BC)" or "same".', faster)
    assert message_leaks('FASTER should be "(AB)C".', faster)


def test_the_bank_leaks_nothing(bank):
    """Every value, choice and predict question of the real bank: no failure message of any
    mutant or starter gives the answer away."""
    leaks = find_leaks(bank)
    assert leaks == [], "\n".join(
        f"{k.question}: {k.check} ({k.variant}): {k.reason}: {k.message!r}" for k in leaks
    )


# -- check_answer ---------------------------------------------------------------------------------


def _message(actual, expected, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failure:
        check_answer(actual, expected, "ANSWER", **kwargs)
    return str(failure.value)


def test_check_answer_accepts_every_way_to_write_a_right_answer():
    check_answer(((3,), None, (4, 5)), ((3,), None, (4, 5)))
    check_answer([[3], None, torch.Size([4, 5])], ((3,), None, (4, 5)))
    check_answer(torch.tensor([1.0, 5.0, 9.0]), [1, 5, 9])
    check_answer([0.1 + 0.2, 2], [0.3, 2.0])
    check_answer(" RuntimeError ", "RuntimeError")
    check_answer((True, False), [True, False])
    check_answer(torch.float32, torch.float32)


def test_check_answer_says_which_item_and_nothing_else():
    expected = ((3,), None, (4, 5))
    assert _message(((1, 3), None, (4, 5)), expected) == "item 1 of ANSWER is not right."
    assert _message(((3,), (2,), None), expected) == "items 2 and 3 of ANSWER are not right."
    assert _message(((3,), None, (4, 5)), expected[:2]) == "ANSWER is not right."  # length
    assert _message(((3,), None), expected) == "ANSWER is not right."
    assert _message("xyz", expected) == "ANSWER should be a tuple or a list, but it is a str."
    assert _message([1, 2], [1, 3], labels="AB") == "item B of ANSWER is not right."
    assert _message(None, "RuntimeError") == "ANSWER is not right."
    assert _message(1, True) == "ANSWER is not right."  # a bool is not a number here
    assert _message(torch.int64, torch.float32) == "ANSWER is not right."
    for actual in [((1, 3), None, (4, 5)), ((3,), (2,), None), ((3,), None), [None] * 3]:
        assert not message_leaks(_message(actual, expected), {"ANSWER": expected}, kind="predict")


# ---------------------------------------------------------------------------------------------
# validate is the one complete check: each broken variant is reported on the right file
# ---------------------------------------------------------------------------------------------


def test_an_unknown_field_suggests_the_known_one(tiny_bank):
    def misspell(data):
        data["hints"] = data.pop("hint", {"en": "x", "zh": "x"})

    edit_question(tiny_bank, "tiny-double", misspell)
    problems = problems_of(tiny_bank)
    assert any("unknown field" in p and "did you mean 'hint'?" in p for p in problems), problems


def test_a_typo_in_a_check_is_blamed_on_the_check_file(tiny_bank):
    checks = next(tiny_bank.glob("*/tiny-double/checks.py"))
    checks.write_text(checks.read_text().replace("student.double(", "student.doubel("))
    problems = problems_of(tiny_bank)
    typo = [p for p in problems if "doubel" in p]
    assert typo and all(p.startswith("bank/ndarray/tiny-double/checks.py:") for p in typo)
    assert all("which the question does not define" in p for p in typo)
    assert not any(p.startswith("solutions/") for p in problems)


def test_a_question_in_no_assignment_is_reported(tiny_bank):
    path = tiny_bank / "assignments" / "tiny.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"] = [q for q in data["questions"] if q != "tiny-double"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (problem,) = problems_of(tiny_bank)
    assert problem.startswith("bank/ndarray/tiny-double/question.yaml: id:")
    assert "is in no assignment" in problem


def test_a_stale_catalogue_is_reported_with_the_command_that_fixes_it(tiny_bank):
    from grader.authoring.catalogue import catalogue_path, render_catalogue
    from grader.bank.loader import load_bank

    bank, _ = load_bank(tiny_bank)
    catalogue_path(bank).write_text(render_catalogue(bank), encoding="utf-8")
    assert problems_of(tiny_bank) == []

    def retitle(data):
        data["title"]["en"] = "Double it, again"

    edit_question(tiny_bank, "tiny-double", retitle)
    (problem,) = problems_of(tiny_bank)
    assert problem.startswith("bank/README.md:") and "grader bank catalogue" in problem


def test_points_that_do_not_add_up_split_public_and_hidden(tiny_bank):
    def more_points(data):
        data["points"] = data["points"] + 1

    edit_question(tiny_bank, "tiny-double", more_points)
    problems = [p for p in problems_of(tiny_bank) if ": points:" in p]
    assert problems and "public checks 1 + hidden checks" in problems[0]


def test_stale_notebooks_are_reported_with_the_command_that_fixes_them(tiny_bank):
    from grader.assign import write_assignment
    from grader.bank.loader import load_bank

    bank, _ = load_bank(tiny_bank)
    write_assignment(bank, "tiny")
    assert problems_of(tiny_bank) == []

    def retitle(data):
        data["title"]["zh"] = "换个标题"

    edit_question(tiny_bank, "tiny-double", retitle)
    problems = problems_of(tiny_bank)
    assert problems and all("run `grader assign tiny`" in p for p in problems)
    assert any(p.startswith("student_templates/tiny.zh.ipynb:") for p in problems)
