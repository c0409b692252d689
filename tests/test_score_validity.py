"""A score means the skill (issue 17): in `preliminaries-core`, the answers that skip what a
question exists to test earn 0 on that question, graded through the real sandbox as a student's
notebook is, and correct answers written another way earn full marks."""

from __future__ import annotations

import pytest

from .nbutil import SOLUTION, scores, solution_with

# question id -> an answer that shows the misconception the question tests (from the issue).
SKIPS_THE_SKILL = {
    # Autograd asked for, the derivative written by hand.
    "second-derivative": "import torch\ndef second_derivative_cubic(x):\n    return 6 * x\n",
    "detach": "import torch\ndetached_grad = lambda x: x * x\n",
    "two-losses": "import torch\ngrads_of_two_losses = lambda x: (4 * x, torch.ones_like(x))\n",
    # Dividing by A.sum(axis=1) without keepdims.
    "normalize-rows": "import torch\ndef normalize_rows(A):\n    return A / A.sum(axis=1)\n",
    # The gradient of x^T A x as if A were symmetric.
    "quad-form-grad": "import torch\ndef quad_form_grad(A, x):\n    return 2 * A @ x\n",
    # Rebinding the name instead of adding in place.
    "inplace-add": "import torch\ndef add_into(X, Y):\n    X = X + Y\n    return X\n",
    # Zeros on the CPU whatever the input's device.
    "device-zeros": (
        "import torch\ndef zeros_like_on_device(X):\n"
        "    return torch.zeros(X.shape, dtype=X.dtype)\n"
    ),
}


def test_answers_that_skip_the_skill_earn_nothing(grade, tmp_path):
    path = solution_with(tmp_path / "skips.ipynb", SKIPS_THE_SKILL)
    result = grade(path)
    earned = {qid: score for qid, score in scores(result).items() if qid in SKIPS_THE_SKILL}
    assert earned == dict.fromkeys(SKIPS_THE_SKILL, 0.0)
    # The other questions keep their full marks: each zero is the answer's own.
    full = {q["id"]: q["max_score"] for q in result["questions"]}
    others = {qid: s for qid, s in scores(result).items() if qid not in SKIPS_THE_SKILL}
    assert others == {qid: full[qid] for qid in others}


@pytest.mark.parametrize("which", [0, 1])
def test_correct_answers_written_another_way_earn_full_marks(grade, bank, tmp_path, which):
    """The bank's alternates of every core question, in place of the reference answers."""
    core = bank.assignment_questions("preliminaries-core")
    core = [q.rendered(q.variant(0)) for q in core]  # as preliminaries-core shows them
    alternates = {q.id: q.alternates[which].code for q in core if len(q.alternates) > which}
    assert len(alternates) >= len(SKIPS_THE_SKILL)
    result = grade(solution_with(tmp_path / f"alternates-{which}.ipynb", alternates))
    assert result["score"] == result["max_score"] > 0
    assert set(alternates) <= set(scores(result))


def test_the_reference_is_still_full_marks(grade):
    result = grade(SOLUTION)
    assert result["score"] == result["max_score"]


@pytest.mark.slow
def test_both_engines_agree_on_alternates_and_skipped_skills(grade, bank, kernel_engine, tmp_path):
    """The same answers through a real Jupyter kernel: alternates full, skipped skills zero."""
    core = bank.assignment_questions("preliminaries-core")
    core = [q.rendered(q.variant(0)) for q in core]
    alternates = {q.id: q.alternates[0].code for q in core if q.alternates}
    result = grade(solution_with(tmp_path / "alternates.ipynb", alternates), engine=kernel_engine)
    assert result["engine"] == "kernel" and result["score"] == result["max_score"] > 0
    skips = grade(solution_with(tmp_path / "skips.ipynb", SKIPS_THE_SKILL), engine=kernel_engine)
    earned = {qid: s for qid, s in scores(skips).items() if qid in SKIPS_THE_SKILL}
    assert earned == dict.fromkeys(SKIPS_THE_SKILL, 0.0)
