"""Command-line edges an instructor hits (issue 25)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.cli import main

GRADER = str(Path(sys.executable).parent / "grader")


def test_bank_list_piped_prints_whole_ids(capsys, bank):
    assert main(["bank", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split("\t")[0] for line in lines]
    assert sorted(ids) == sorted(bank.questions)  # none cut ("manhattan-…")
    assert all(len(line.split("\t")) == 6 for line in lines)


def test_a_reader_that_leaves_early_ends_the_command_quietly():
    """`grader bank list --json | head`: the reader closes the pipe before the output is
    written; the command stops without a traceback."""
    process = subprocess.Popen(
        [GRADER, "bank", "list", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # gone before the command writes anything
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert stderr == ""


def test_batch_policy_is_recorded_and_followed_by_the_readers(tmp_path):
    from grader.gradebook.store import Gradebook

    db = tmp_path / "g.sqlite"
    with Gradebook(db) as book:
        assert book.policy == "latest"
        book.set_policy("best")
    with Gradebook(db) as book:
        assert book.policy == "best"  # what `grader export` and `grader report` open
    with Gradebook(db, policy="latest") as book:
        assert book.policy == "latest"  # an explicit choice wins


def test_batch_table_keeps_whole_reasons(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    reason_marker = "x" * 10
    (folder / "eve.ipynb").write_text("{" + reason_marker, encoding="utf-8")
    db = tmp_path / "g.sqlite"
    code = main(
        [
            "batch",
            str(folder),
            "--assignment",
            "preliminaries-core",
            "--db",
            str(db),
            "--workers",
            "1",
            "--policy",
            "best",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "the best counts" in out
    line = next(line for line in out.splitlines() if line.startswith("could not grade eve:"))
    assert "not a notebook" in line and line.rstrip().endswith(")")  # the whole reason


# ---------------------------------------------------------------------------------------------
# grader bank new: a skeleton that validate reports until it is filled in, then accepts
# ---------------------------------------------------------------------------------------------

FILLED_QUESTION = """id: manhattan-distance
topic: linear-algebra
difficulty: 1
points: 2
kind: function
title:
  en: "The L1 norm of a vector"
  zh: "向量的 L1 范数"
prompt:
  en: |
    Write `manhattan_distance(x)`: the sum of the absolute values of the vector `x`, as a 0-d tensor.
  zh: |
    编写函数 `manhattan_distance(x)`：返回向量 `x` 各元素绝对值之和（0 维张量）。
defines:
  - name: manhattan_distance
    kind: function
    signature: "manhattan_distance(x: torch.Tensor) -> torch.Tensor"
starter: |
  import torch

  def manhattan_distance(x):
      # Your code here / 在此编写代码
      ...
public_checks:
  - name: "a small example"
    points: 1
    doctest: |
      >>> manhattan_distance(torch.tensor([1.0, -2.0]))
      tensor(3.)
mutants:
  - name: no-abs
    mistake:
      en: "adds the entries without their absolute values"
      zh: "直接把元素相加，没有先取绝对值"
    hint:
      en: "A distance never shrinks when an entry is negative. Try a vector with a negative entry."
      zh: "某个元素为负时，距离不会因此变小。用含负数的向量试一试。"
    credit: 0
    code: |
      def manhattan_distance(x):
          return x.sum()
  - name: no-sum
    mistake:
      en: "returns the absolute values, not their sum"
      zh: "返回的是各元素的绝对值，而不是它们的和"
    hint:
      en: "The result is one number: check its shape with `.shape`."
      zh: "结果应当是一个数：用 `.shape` 看看它的形状。"
    credit: 0
    code: |
      def manhattan_distance(x):
          return x.abs()
alternates:
  - name: torch-norm
    code: |
      import torch

      def manhattan_distance(x):
          return torch.linalg.norm(x, ord=1)
  - name: abs-then-sum
    code: |
      def manhattan_distance(x):
          return abs(x).sum()
catches:
  - "forgotten absolute values; no sum"
"""

FILLED_CHECKS = '''import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(0.5)
@pytest.mark.parametrize("n", [1, 5])
def test_values(student, rng, n):
    """the sum of absolute values, for vectors with negative entries
    zh: 含负数的向量上各元素绝对值之和"""
    x = torch.rand(n, generator=rng) + 0.1
    x[0] = -x[0]  # at least one negative entry
    call = student.call("manhattan_distance", x)
    check_tensor(
        call.unwrap(),
        x.abs().sum(),
        Text(f"manhattan_distance(x) for n={n}", zh=f"n={n} 时的 manhattan_distance(x)"),
    )
    check_unchanged(call.input_after(0), x, "x")
'''


def test_bank_new_writes_a_skeleton_that_validates_once_filled_in(tmp_path, capsys):
    import yaml

    from grader.authoring.verify import validate_bank

    from .test_validity import make_tiny_bank

    bank = make_tiny_bank(tmp_path)
    (bank / "assignments" / "linear-algebra.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "linear-algebra",
                "title": {"en": "LA", "zh": "线代"},
                "questions": ["tiny-double"],
            }
        ),
        encoding="utf-8",
    )
    args = ["--bank", str(bank), "bank", "new", "manhattan-distance", "--topic", "linear-algebra"]
    assert main(args) == 0
    out = capsys.readouterr().out
    folder = bank / "linear-algebra" / "manhattan-distance"
    assert (folder / "question.yaml").exists() and (folder / "checks.py").exists()
    assert (tmp_path / "solutions" / "manhattan-distance.py").exists()
    assert "grader bank validate" in out
    assignment = yaml.safe_load((bank / "assignments" / "linear-algebra.yaml").read_text())
    assert assignment["questions"][-1] == "manhattan-distance"
    # Unfilled: validate says what is missing (the skeleton loads; its TODOs fail).
    _, problems = validate_bank(bank)
    assert problems and all("manhattan-distance" in str(p) for p in problems)
    assert main(args) == 2  # it exists now: refused, nothing overwritten

    (folder / "question.yaml").write_text(FILLED_QUESTION, encoding="utf-8")
    (folder / "checks.py").write_text(FILLED_CHECKS, encoding="utf-8")
    (tmp_path / "solutions" / "manhattan-distance.py").write_text(
        "import torch\n\n\ndef manhattan_distance(x):\n    return torch.abs(x).sum()\n",
        encoding="utf-8",
    )
    _, problems = validate_bank(bank)
    assert [str(p) for p in problems] == []
    capsys.readouterr()
    selftest = [
        "--bank",
        str(bank),
        "bank",
        "selftest",
        "--question",
        "manhattan-distance",
        "--json",
    ]
    assert main(selftest) == 0


def test_bank_new_refuses_bad_input(tmp_path, capsys):
    from .test_validity import make_tiny_bank

    bank = make_tiny_bank(tmp_path)
    for args, says in (
        (["Bad_Id", "--topic", "ndarray"], "is not a question id"),
        (["tiny-double", "--topic", "ndarray"], "already exists"),
        (["fine-id", "--topic", "nope"], "unknown topic"),
    ):
        assert main(["--bank", str(bank), "bank", "new", *args]) == 2
        assert says in capsys.readouterr().err


def test_student_pages_leave_out_instructor_paths_and_read_times_plainly(bank):
    from grader.reports.commands import without_source
    from grader.reports.render import readable_time

    assert without_source("subs/eve.ipynb: the notebook has no cells", "subs/eve.ipynb") == (
        "the notebook has no cells"
    )
    assert without_source("x.zip!eve.ipynb: bad", "x.zip!eve.ipynb") == "bad"
    assert without_source(None, "a") is None
    assert readable_time("2026-12-02T22:07:58+00:00") == "2026-12-02 22:07 UTC"
    assert readable_time("not a time") == "not a time"
    from grader.reports.feedback import build_feedback, render_html

    html_text = render_html(
        build_feedback("eve", None, bank, "zh", assignment="preliminaries-core", error="坏了")
    )
    assert "此次提交无法评分。" in html_text and "无法评分." not in html_text


def test_the_other_inputs_hint_is_only_for_function_questions(bank, grade, tmp_path):
    from grader.reports.feedback import build_feedback

    from .nbutil import solution_with

    path = solution_with(tmp_path / "v.ipynb", {"sum-shapes": "SUM_SHAPES = ((9,), (9,), (9,))\n"})
    feedback = build_feedback("s", grade(path), bank, "en")
    sum_shapes = next(q for q in feedback.questions if q.id == "sum-shapes")
    assert sum_shapes.failed and not sum_shapes.status_hints
    assert feedback.general_hints == []  # no function question failed a hidden check
