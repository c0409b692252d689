"""`grader bank new ID --topic T [--kind K]`: a new question's files, ready to fill in.

Writes `bank/<topic>/<id>/question.yaml` (every required field, zh and en, two mutant and, for a
function question, two alternate slots), `checks.py` (one hidden check whose points make the
question's points add up), the reference `solutions/<id>.py`, and adds the id to the topic's
assignment when there is one. Every place to fill in says TODO; `grader bank validate` reports
what is still missing and accepts the question once it is filled in (docs/bank.md has a worked
example).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from ..bank.model import Bank

KINDS = ("function", "value", "choice", "predict")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ScaffoldProblem(Exception):
    """The question cannot be created as asked (one line: what and what to do)."""


def _raising(name: str, what: str) -> str:
    return f'def {name}(x):\n    raise NotImplementedError("TODO: {what}")'


def _mutant_slots(first: str, second: str) -> str:
    """The `mutants:` block of a new question: two slots, the first with what to write."""
    return f"""mutants:
  - name: todo-first-mistake
    mistake:
      en: "TODO: the misconception this wrong answer shows"
      zh: "TODO：这个错误答案反映的误解"
    hint:
      en: "TODO: the idea, and how to check it in the notebook (never the answer)"
      zh: "TODO：背后的道理，以及如何在笔记本里自己验证（不要给出答案）"
    credit: 0
    code: |
{textwrap.indent(first, "      ")}
  - name: todo-second-mistake
    mistake:
      en: "TODO"
      zh: "TODO"
    hint:
      en: "TODO"
      zh: "TODO"
    credit: 0
    code: |
{textwrap.indent(second, "      ")}
"""


def _function_yaml(qid: str, topic: str, name: str) -> str:
    return f'''id: {qid}
topic: {topic}
difficulty: 1
points: 2
kind: function
title:
  en: "TODO: a short title"
  zh: "TODO：简短的标题"
prompt:
  en: |
    TODO: what the student writes. Write a function `{name}(x)` that ...
  zh: |
    TODO：学生要写什么（一段一行）。编写函数 `{name}(x)`，……
defines:
  - name: {name}
    kind: function
    signature: "{name}(x: torch.Tensor) -> torch.Tensor"
starter: |
  import torch

  def {name}(x):
      # Your code here / 在此编写代码
      ...
public_checks:
  - name: "a small example"
    points: 1
    doctest: |
      >>> {name}(torch.tensor([1.0, -2.0]))
      TODO: the printed result
{_mutant_slots(_raising(name, "a wrong answer, written as students write it"), _raising(name, "another wrong answer"))}alternates:
  - name: todo-first-alternate
    code: |
      def {name}(x):
          raise NotImplementedError("TODO: another correct answer, written as students write it")
  - name: todo-second-alternate
    code: |
      def {name}(x):
          raise NotImplementedError("TODO: another correct answer")
catches:
  - "TODO: what the hidden checks catch (for the catalogue)"
'''


def _function_checks(name: str) -> str:
    return f'''import pytest
import torch

from grader.judge import Text, check_tensor, check_unchanged, points


@points(0.5)
@pytest.mark.parametrize("n", [1, 5])
def test_values(student, rng, n):
    """TODO: what this check proves, for the student (shown when it fails)
    zh: TODO：这项检查验证什么（未通过时学生会看到）"""
    x = torch.randn(n, generator=rng)
    call = student.call("{name}", x)
    expected = x  # TODO: the expected result, computed here (never shown to the student)
    check_tensor(call.unwrap(), expected, Text(f"{name}(x) for n={{n}}", zh=f"n={{n}} 时的 {name}(x)"))
    check_unchanged(call.input_after(0), x, "x")
'''


def _value_yaml(qid: str, topic: str, kind: str, name: str) -> str:
    choice = kind == "choice"
    example = '{"A", "C"}' if choice else "((2, 3), (3,))"
    return f"""id: {qid}
topic: {topic}
difficulty: 1
points: 2
kind: {kind}
title:
  en: "TODO: a short title"
  zh: "TODO：简短的标题"
prompt:
  en: |
    TODO: the question. Set `{name}` to ..., for example `{name} = {example}`.
  zh: |
    TODO：题目。把 `{name}` 设为……，例如 `{name} = {example}`。
defines:
  - name: {name}
    kind: variable
starter: |
  # Replace None by your answer / 将 None 替换为你的答案
  {name} = None
public_checks:
  - name: "the format"
    points: 0
    doctest: |
      >>> {name} is not None
      True
{_mutant_slots(f"{name} = None  # TODO: a wrong answer", f"{name} = None  # TODO: another wrong answer")}catches:
  - "TODO: what the hidden checks catch (for the catalogue)"
"""


def _value_checks(kind: str, name: str) -> str:
    if kind == "choice":
        return f'''from grader.judge import check_choice, points


@points(2)
def test_answer(student):
    """the right options, and only them
    zh: 选对全部正确选项，且只选它们"""
    check_choice(student.value("{name}"), "{name}", "ABCD", {{"A"}})  # TODO: the right letters
'''
    return f'''from grader.judge import check_answer, points


@points(2)
def test_answer(student):
    """TODO: what this check proves
    zh: TODO：这项检查验证什么"""
    check_answer(student.value("{name}"), None, "{name}")  # TODO: the expected answer
'''


def function_name(qid: str) -> str:
    return qid.replace("-", "_")


def create_question(bank: Bank, qid: str, topic: str, kind: str) -> list[Path]:
    """Write the new question's files; returns them (and the assignment file it joined)."""
    if not ID_PATTERN.match(qid):
        raise ScaffoldProblem(
            f"{qid!r} is not a question id: use lowercase letters, digits and dashes "
            "(e.g. manhattan-distance)"
        )
    if qid in bank.questions:
        raise ScaffoldProblem(f"{qid!r} already exists: {bank.questions[qid].question_file}")
    if topic not in bank.topics:
        raise ScaffoldProblem(f"unknown topic {topic!r}; topics: {', '.join(bank.topics)}")
    if kind not in KINDS:
        raise ScaffoldProblem(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    folder = bank.root / topic / qid
    solution = bank.solutions_dir / f"{qid}.py"
    for path in (folder, solution):
        if path.exists():
            raise ScaffoldProblem(f"{path} already exists: choose another id or remove it")
    if kind == "function":
        name = function_name(qid)
        yaml_text, checks = _function_yaml(qid, topic, name), _function_checks(name)
        reference = (
            f"import torch\n\n\ndef {name}(x):\n    return x  # TODO: the reference answer\n"
        )
    else:
        name = function_name(qid).upper()
        yaml_text, checks = _value_yaml(qid, topic, kind, name), _value_checks(kind, name)
        reference = f"{name} = None  # TODO: the reference answer\n"
    folder.mkdir(parents=True)
    written = [folder / "question.yaml", folder / "checks.py", solution]
    written[0].write_text(yaml_text, encoding="utf-8")
    written[1].write_text(checks, encoding="utf-8")
    solution.parent.mkdir(parents=True, exist_ok=True)
    solution.write_text(reference, encoding="utf-8")
    assignment = bank.assignments.get(topic)
    if assignment is not None:
        text = assignment.path.read_text(encoding="utf-8")
        assignment.path.write_text(with_question(text, qid), encoding="utf-8")
        written.append(assignment.path)
    return written


def with_question(text: str, qid: str) -> str:
    """The assignment file's text with `qid` after the last item of its `questions:` list,
    indented as the others are; comments and the rest of the file left as written."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"questions\s*:", line))
    last, indent = start, "  "
    for index in range(start + 1, len(lines)):
        item = re.match(r"(\s*)- ", lines[index])
        if item:
            last, indent = index, item.group(1)
        elif lines[index].strip() and not lines[index].lstrip().startswith("#"):
            break
    lines.insert(last + 1, f"{indent}- {qid}")
    return "\n".join(lines) + "\n"
