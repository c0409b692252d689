"""Diagnosis: a wrong answer learns which known mistake it made.

The wrong answers below are written by hand, not copied from the bank: each differs in code
from every mutant of its question but behaves like one of them, and must be diagnosed with that
mutant through the real sandbox (both engines). Correct answers, alternates and wrong answers
that match no mutant must get no diagnosis.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

from grader.authoring.inprocess import run_in_process
from grader.judge.diagnosis import DIAGNOSIS_SEED, diagnose, mutant_trace
from grader.judge.grading import question_checks
from grader.judge.observe import same
from grader.judge.runner import RunOptions
from grader.submission import parse_submission

ROOT = Path(__file__).resolve().parents[1]
GRADER = str(Path(sys.executable).parent / "grader")

# (question, expected mutant, code): code that differs from the mutant but behaves like it.
LOOKALIKES = [
    (
        "grid",
        "int64",
        "import torch\ndef make_grid(r, c):\n    return torch.arange(0, r * c).view(r, c)\n",
    ),
    (
        "grid",
        "starts-at-one",
        "import torch\ndef make_grid(rows, cols):\n    return (torch.arange(rows * cols) + 1).float().reshape(rows, -1)\n",
    ),
    (
        "concat",
        "dims-swapped",
        "import torch\ndef add_samples(X, Y):\n    return torch.cat([X, Y], axis=1)\ndef add_features(X, Y):\n    return torch.concat([X, Y], axis=0)\n",
    ),
    (
        "concat",
        "wrong-order",
        "import torch\ndef add_samples(X, Y):\n    return torch.vstack([Y, X])\ndef add_features(X, Y):\n    return torch.hstack([Y, X])\n",
    ),
    (
        "broadcast",
        "never-none",
        "def broadcast_shape(a, b):\n    a, b = list(a), list(b)\n    while len(a) < len(b):\n        a.insert(0, 1)\n    while len(b) < len(a):\n        b.insert(0, 1)\n    return tuple(x if x > y else y for x, y in zip(a, b))\n",
    ),
    (
        "inplace-add",
        "new-tensor",
        "import torch\ndef add_into(X, Y):\n    return torch.add(X, Y)\n",
    ),
    ("inplace-add", "returns-none", "def add_into(X, Y):\n    X += Y\n"),
    (
        "sgd-step",
        "wrong-sign",
        "import torch\ndef sgd_step(params, grads, lr):\n    with torch.no_grad():\n        for i in range(len(params)):\n            params[i].add_(grads[i], alpha=lr)\n",
    ),
    (
        "normalize-rows",
        "no-keepdims",
        "def normalize_rows(A):\n    s = A.sum(1)\n    return A / s\n",
    ),
    (
        "normalize-rows",
        "total",
        "import torch\ndef normalize_rows(A):\n    return torch.div(A, torch.sum(A))\n",
    ),
    (
        "vector-norms",
        "squared-l2",
        "import torch\ndef vector_norms(x):\n    return x.abs().sum(), torch.dot(x, x)\n",
    ),
    (
        "quad-form-grad",
        "two-a-x",
        "import torch\ndef quad_form_grad(A, x):\n    return (A @ x) * 2\n",
    ),
    (
        "quad-form-grad",
        "a-x",
        "import torch\ndef quad_form_grad(A, x):\n    return torch.mv(A, x)\n",
    ),
    ("detach", "by-hand", "import torch\ndef detached_grad(x):\n    return x ** 2\n"),
    ("second-derivative", "by-hand", "def second_derivative_cubic(x):\n    return x * 6\n"),
    (
        "device-zeros",
        "forgets-device",
        "import torch\ndef zeros_like_on_device(X):\n    return torch.zeros(*X.shape, dtype=X.dtype)\n",
    ),
    ("sum-shapes", "keepdims", "SUM_SHAPES = [(1, 3, 4), (2, 1, 4), (2, 3, 1)]\n"),
    (
        "column-means",
        "row-means",
        "import torch\ndef feature_means(X):\n    return X.to(torch.float32).mean(dim=-1)\n",
    ),
    (
        "matrix-vector-product",
        "vector-times-matrix",
        "import torch\ndef matvec(A, x):\n    return torch.matmul(x, A)\n",
    ),
    (
        "frobenius-norm",
        "squared",
        "import torch\ndef frobenius_norm(X):\n    return torch.sum(X * X)\n",
    ),
    (
        "softmax-rows-stable",
        "no-max",
        "import torch\ndef softmax_rows(X):\n    e = X.exp()\n    return e / e.sum(1, keepdim=True)\n",
    ),
    ("sq-norm-grad", "missing-two", "import torch\ndef sq_norm_grad(X):\n    return X * 1.0\n"),
    ("hadamard-product", "matmul-square", "def hadamard(A, B):\n    return A @ B\n"),
    (
        "count-missing-values",
        "per-row",
        "def count_missing(data):\n    return data.isnull().sum(1)\n",
    ),
    (
        "fill-missing-with-mean",
        "fill-zero",
        "def fill_missing_with_mean(inputs):\n    out = inputs.copy()\n    return out.fillna(value=0)\n",
    ),
]

# Wrong answers that match no mutant: they lose points and get no diagnosis.
UNKNOWN = [
    ("grid", "import torch\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"),
    ("normalize-rows", "def normalize_rows(A):\n    return A * 2\n"),
    ("quad-form-grad", "import torch\ndef quad_form_grad(A, x):\n    return x + 1\n"),
]


def _notebook(cells: list[str], path: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    nbformat.write(notebook, path)
    return path


def _graded(grader, cells_and_questions, tmp_path, name):
    """Each answer in its own notebook, graded on its question: {index: question result}."""
    out = {}
    for index, (question, code) in enumerate(cells_and_questions):
        path = _notebook([code], tmp_path / f"{name}-{index}.ipynb")
        submission = parse_submission(path.read_bytes(), path)
        result = grader.grade(submission, question_ids=[question], assignment="diagnosis-test")
        out[index] = result["questions"][0]
    return out


def test_lookalikes_differ_in_code_from_every_mutant(bank):
    """The test is honest: no hand-written answer is a copy of a bank mutant."""
    assert len(LOOKALIKES) >= 20
    assert len({bank.questions[q].topic for q, _, _ in LOOKALIKES}) >= 5
    for question, mutant, code in LOOKALIKES:
        codes = {" ".join(m.code.split()) for m in bank.questions[question].mutants}
        assert " ".join(code.split()) not in codes, (question, mutant)
        assert mutant in {m.name for m in bank.questions[question].mutants}


def test_lookalikes_are_diagnosed_through_the_fork_sandbox(fork_engine, bank, tmp_path):
    from grader.grade import Grader

    with Grader(bank, None, engine=fork_engine) as grader:
        graded = _graded(grader, [(q, code) for q, _, code in LOOKALIKES], tmp_path, "fork")
    wrong = []
    for index, (question, mutant, _) in enumerate(LOOKALIKES):
        result = graded[index]
        assert result["score"] < result["max_score"], question
        got = (result["diagnosis"] or {}).get("mutant")
        if got != mutant:
            wrong.append((question, mutant, got))
        else:
            assert result["diagnosis"]["matched_calls"] == result["diagnosis"]["calls"] > 0
            assert "answer" not in result  # a diagnosed answer is not kept for mining
    assert wrong == []


def test_lookalikes_are_diagnosed_on_the_kernel_engine_too(kernel_engine, bank, tmp_path):
    """All answers in one notebook (a kernel costs seconds to start), graded on their questions."""
    from grader.grade import Grader

    path = _notebook([code for _, _, code in LOOKALIKES], tmp_path / "all.ipynb")
    submission = parse_submission(path.read_bytes(), path)
    with Grader(bank, None, engine=kernel_engine) as grader:
        result = grader.grade(
            submission,
            question_ids=sorted({q for q, _, _ in LOOKALIKES}),
            assignment="diagnosis-test",
        )
    diagnosed = {q["id"]: (q["diagnosis"] or {}).get("mutant") for q in result["questions"]}
    # One notebook holds every answer: for a question with two lookalikes the later cell wins.
    expected = {question: mutant for question, mutant, _ in LOOKALIKES}
    assert diagnosed == expected


def test_correct_alternate_and_unknown_answers_get_no_diagnosis(fork_engine, bank, tmp_path):
    from grader.grade import Grader

    alternates = [
        (q.id, a.code)
        for qid in ("grid", "normalize-rows", "quad-form-grad", "concat")
        for q in [bank.questions[qid].rendered(bank.questions[qid].variant(0))]
        for a in q.alternates
    ]
    references = [
        (qid, bank.questions[qid].solution_for(bank.questions[qid].variant(0)))
        for qid in ("grid", "normalize-rows")
    ]
    with Grader(bank, None, engine=fork_engine) as grader:
        correct = _graded(grader, alternates + references, tmp_path, "ok")
        unknown = _graded(grader, UNKNOWN, tmp_path, "unknown")
    for result in correct.values():
        assert result["score"] == result["max_score"] and result["diagnosis"] is None
        assert "behaviour" not in result
    for index, result in unknown.items():
        assert result["score"] < result["max_score"]
        assert result["diagnosis"] is None
        assert len(result["behaviour"]) == 16
        assert result["answer"] == UNKNOWN[index][1]  # kept for `grader bank mine`


def test_every_mutant_is_diagnosed_as_itself_unless_the_checks_cannot_tell(bank):
    """In this process, for the whole bank: each mutant's calls match its own replay, so it is
    diagnosed with itself, with a mutant listed before it that behaves identically (the checks
    cannot tell them apart: the bank's order names it), or with nothing when its behaviour is
    random (a draw without a seed differs between two runs)."""
    for question in bank.questions.values():
        if not question.written_for_bank or not question.mutants:
            continue
        variant = question.variant(0)  # as the non-variant assignments show it
        question = question.rendered(variant)
        options = RunOptions(variant=variant)
        checks = question_checks(question)
        traces = [
            mutant_trace(question, m, checks, DIAGNOSIS_SEED, options) for m in question.mutants
        ]
        for index, mutant in enumerate(question.mutants):
            trace = traces[index]
            assert trace, f"{question.id}: {mutant.name} did not replay"
            # Twice from two states of torch's global generator: a mutant that draws without
            # a seed of its own records two different things.
            torch.manual_seed(1)
            first = mutant_trace(question, mutant, checks, DIAGNOSIS_SEED, options)
            torch.manual_seed(2)
            again = mutant_trace(question, mutant, checks, DIAGNOSIS_SEED, options)
            reproducible = len(again) == len(first) and all(
                a.same_request(b) and same(a.seen, b.seen)
                for a, b in zip(first, again, strict=True)
            )
            diagnosis = diagnose(question, checks, first, DIAGNOSIS_SEED, options)
            got = diagnosis.mutant if diagnosis else None
            if not reproducible:
                continue  # random behaviour: no diagnosis is promised
            first_equal = next(
                other.name
                for other, other_trace in zip(question.mutants, traces, strict=True)
                if other_trace
                and len(other_trace) == len(trace)
                and all(
                    a.same_request(b) and same(a.seen, b.seen)
                    for a, b in zip(trace, other_trace, strict=True)
                )
            )
            assert got == first_equal, (question.id, mutant.name, got)


def test_a_mutant_that_hangs_or_raises_gives_no_diagnosis_and_no_failure(bank):
    import dataclasses

    question = bank.questions["grid"]
    hanging = dataclasses.replace(question.mutants[0], code="while True:\n    pass\n")
    raising = dataclasses.replace(question.mutants[0], code="raise RuntimeError('broken')\n")
    checks = question_checks(question)
    assert mutant_trace(question, hanging, checks, "s", RunOptions(), seconds=0.5) is None
    # The looping replay was stopped, not left to hold a core and the GIL.
    import threading
    import time

    deadline = time.monotonic() + 3
    while any(t.name.startswith("diagnose-") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the hanging mutant's thread is still running"
        time.sleep(0.05)
    assert mutant_trace(question, raising, checks, "s", RunOptions()) is None


def test_hints_are_bilingual_and_never_quote_the_reference(bank):
    from grader.authoring.leaks import hint_problems, reference_code_lines

    for question in bank.questions.values():
        if not question.written_for_bank:
            continue
        lines = reference_code_lines(question)
        for mutant in question.mutants:
            assert mutant.hint and mutant.hint.get("en") and mutant.hint.get("zh"), mutant.name
            for hint in mutant.hint.values():
                assert not any(" ".join(line.split()) in " ".join(hint.split()) for line in lines)
    # The validator catches a hint that hands over the answer.
    import dataclasses

    question = bank.questions["normalize-rows"]
    leaky = dataclasses.replace(
        question.mutants[0],
        hint={"en": "Write `return A / A.sum(axis=1, keepdims=True)`.", "zh": ""},
    )
    problems = hint_problems(dataclasses.replace(question, mutants=[leaky]), {})
    assert any("quotes the reference" in p for _, p in problems)
    assert any("no zh" in p for _, p in problems)


def test_grade_command_prints_the_diagnosis_in_the_notebooks_language(bank, tmp_path):
    from grader.grade import summary_lines

    notebook = nbformat.read(ROOT / "solutions/preliminaries-core.ipynb", as_version=4)
    notebook.metadata["d2l_grader"] = {"assignment": "preliminaries-core", "lang": "zh"}
    for cell in notebook.cells:
        marker = cell.metadata.get("d2l_grader", {})
        if marker.get("question") == "normalize-rows" and marker.get("role") == "answer":
            cell.source = "def normalize_rows(A):\n    return A / A.sum(1)\n"
    path = tmp_path / "zh.ipynb"
    nbformat.write(notebook, path)
    out = tmp_path / "result.json"
    run = subprocess.run(
        [
            GRADER,
            "grade",
            str(path),
            "--assignment",
            "preliminaries-core",
            "--hints",
            "hide",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert "这个答案的表现与一个常见错误一致" in run.stdout and "keepdims" in run.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["lang"] == "zh" and result["hints"] == "hide"
    hint = bank.questions["normalize-rows"].mutants[0].hint
    diagnosed = next(q for q in result["questions"] if q["id"] == "normalize-rows")
    assert diagnosed["diagnosis"]["hint"] == hint  # stored, though hidden
    assert hint["zh"] not in run.stdout
    english = "\n".join(summary_lines(result, bank, "en"))
    assert "This behaves like a known mistake" in english and "Hint:" not in english
    result["hints"] = "show"
    assert hint["en"] in "\n".join(summary_lines(result, bank, "en"))


# ---------------------------------------------------------------------------------------------
# A synthetic class: diagnoses in the class report and the export; mining recovers planted
# unknown behaviours as the top groups
# ---------------------------------------------------------------------------------------------

# Planted unknown wrong behaviours (no mutant has them), each written two ways, and how many
# students have each: mining must return them as the largest groups, in this order.
PLANTED = [
    (
        "normalize-rows",
        6,
        [
            "def normalize_rows(A):\n    return A / A.max()\n",
            "import torch\ndef normalize_rows(A):\n    m = torch.max(A)  # largest entry\n    return A / m\n",
        ],
    ),
    (
        "normalize-rows",
        4,
        [
            "def normalize_rows(A):\n    return A - A.mean(axis=1, keepdims=True)\n",
            "def normalize_rows(A):\n    return A - A.mean(1).reshape(-1, 1)\n",
        ],
    ),
    (
        "quad-form-grad",
        3,
        [
            "def quad_form_grad(A, x):\n    return A.T @ x\n",
            "import torch\ndef quad_form_grad(A, x):\n    return torch.mv(A.t(), x)\n",
        ],
    ),
]
# Known mistakes (diagnosed) and one student alone with an unknown behaviour (below --min-students).
KNOWN = [("normalize-rows", "def normalize_rows(A):\n    return A / A.sum(1)\n")] * 3
LONE = [("normalize-rows", "def normalize_rows(A):\n    return A * 0\n")]


@pytest.fixture(scope="module")
def class_book(fork_engine, bank, tmp_path_factory):
    """A gradebook of a synthetic class of preliminaries-core (22 students)."""
    from grader.grade import Grader
    from grader.gradebook.store import Gradebook

    from .nbutil import solution_with

    folder = tmp_path_factory.mktemp("class")
    students = []
    for question, count, variants in PLANTED:
        for i in range(count):
            students.append({question: variants[i % len(variants)]})
    students += [{q: code} for q, code in KNOWN + LONE]
    students += [{}] * 5  # full marks
    book_path = folder / "gradebook.sqlite"
    with (
        Grader(bank, "preliminaries-core", engine=fork_engine) as grader,
        Gradebook(book_path) as book,
    ):
        for index, answers in enumerate(students):
            path = solution_with(folder / f"s{index:02d}.ipynb", answers)
            submission = parse_submission(path.read_bytes(), path)
            result = grader.grade(submission)
            book.record(
                student=f"student{index:02d}",
                assignment="preliminaries-core",
                sha256=submission.sha256,
                source=str(path),
                submitted_at="2026-12-01T10:00:00+00:00",
                result=result,
            )
    return book_path, len(students)


def test_mining_recovers_the_planted_behaviours_as_top_groups(class_book, tmp_path):
    from grader.cli import main

    book_path, _ = class_book
    out = tmp_path / "mined"
    code = main(
        [
            "bank",
            "mine",
            "--db",
            str(book_path),
            "--assignment",
            "preliminaries-core",
            "--out",
            str(out),
            "--min-students",
            "3",
        ]
    )
    assert code == 0
    import yaml

    normalize = yaml.safe_load((out / "normalize-rows.yaml").read_text(encoding="utf-8"))
    drafts = normalize["mutants"]
    assert len(drafts) == 2  # the lone student's behaviour is below --min-students
    assert "A.max()" in drafts[0]["code"] or "torch.max(A)" in drafts[0]["code"]
    assert "mean" in drafts[1]["code"]
    assert "largest entry" not in drafts[0]["code"]  # comments (and what they may say) removed
    assert drafts[0]["mistake"] == {"en": "", "zh": ""} and drafts[0]["hint"] == {
        "en": "",
        "zh": "",
    }
    text = (out / "normalize-rows.yaml").read_text(encoding="utf-8")
    assert "student" not in text.replace("students", "")  # no student id
    assert "# draft 1: 6 students" in text and "# draft 2: 4 students" in text
    quad = yaml.safe_load((out / "quad-form-grad.yaml").read_text(encoding="utf-8"))
    assert len(quad["mutants"]) == 1 and "A" in quad["mutants"][0]["code"]
    summary = (out / "README.md").read_text(encoding="utf-8")
    assert "| normalize-rows | 14 | 11 | 6, 4 |" in summary


def test_a_completed_draft_diagnoses_from_then_on(class_book, bank, tmp_path):
    """Move the top draft into the question's mutants: the students with that behaviour are
    diagnosed with it."""
    import dataclasses

    import yaml

    from grader.authoring.mining import draft_mutant, mine
    from grader.bank.model import Mutant
    from grader.gradebook.store import Gradebook

    book_path, _ = class_book
    with Gradebook(book_path) as book:
        results = book.results("preliminaries-core", counting_only=True)
    top = next(m for m in mine(results) if m.question == "normalize-rows").groups[0]
    draft = draft_mutant(top, 1)
    question = bank.questions["normalize-rows"]
    completed = Mutant(
        name="divides-by-max",
        mistake={"en": "divides by the largest entry", "zh": "除以最大元素"},
        hint={"en": "a row sum is not the maximum", "zh": "行和不是最大值"},
        code=draft["code"],
        credit=draft["credit"],
    )
    extended = dataclasses.replace(question, mutants=[*question.mutants, completed])
    representative = yaml.safe_load(yaml.safe_dump(draft))["code"]
    run = run_in_process(extended, representative, RunOptions(diagnose=True))
    assert run.result.diagnosis is not None and run.result.diagnosis.mutant == "divides-by-max"


def test_class_report_and_mistakes_export_show_the_misconceptions(class_book, bank, tmp_path):
    import csv

    from grader.cli import main
    from grader.gradebook.store import Gradebook
    from grader.reports.classreport import build_class_report

    book_path, students = class_book
    with Gradebook(book_path) as book:
        stored = book.results("preliminaries-core", counting_only=True)
    report = build_class_report([(s.student, s.result) for s in stored], bank, "preliminaries-core")
    normalize = next(m for m in report.misconceptions if m.question == "normalize-rows")
    assert normalize.wrong == 14
    assert [(k.mutant, k.students) for k in normalize.mistakes] == [("no-keepdims", 3)]
    assert normalize.undiagnosed == 11
    assert 0 < report.undiagnosed_share < 1

    page = tmp_path / "class.html"
    assert main(["report", "class", "--db", str(book_path), "--out", str(page)]) == 0
    html_text = page.read_text(encoding="utf-8")
    assert "Misconceptions per question" in html_text and "no-keepdims" in html_text

    out = tmp_path / "mistakes.csv"
    assert main(["export", "mistakes", "--db", str(book_path), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["mutant"] for r in rows if r["question"] == "normalize-rows"} == {"no-keepdims", ""}
    assert sum(r["mutant"] == "no-keepdims" for r in rows) == 3
    # Undiagnosed rows carry their fingerprint (what mining groups by); diagnosed ones need none.
    assert all(bool(r["behaviour"]) == (r["mutant"] == "") for r in rows)
    assert len({r["student"] for r in rows}) == students - 5  # the five full marks have no row
