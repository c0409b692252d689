"""Nothing the student process prints, patches or returns can raise a score."""

from __future__ import annotations

import pytest

from .nbutil import scores, solution_with, write_notebook

WRONG_GRID = "import torch\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"

ATTACKS = {
    "patch-allclose-and-eq": WRONG_GRID
    + "torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
    "torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)\ntorch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)\n",
    "always-equal-object": "class Anything:\n    def __eq__(self, other):\n        return True\n    shape = dtype = None\n"
    "def make_grid(rows, cols):\n    return Anything()\n",
    "tensor-subclass": "import torch\nclass Liar(torch.Tensor):\n    def __eq__(self, other):\n        return True\n"
    "def make_grid(rows, cols):\n    return torch.zeros(rows, cols).as_subclass(Liar)\n",
    "fake-output": WRONG_GRID
    + "print('grid results: All test cases passed!')\nprint('{\"score\": 100, \"max_score\": 100}')\n"
    "import sys\nsys.stderr.write('TOTAL 68.5/68.5\\n')\nimport os\nos.write(1, b'PASSED')\n",
    "patch-codec": WRONG_GRID
    + "import sys\nfor name, module in list(sys.modules.items()):\n    if 'codec' in name:\n        module.Encoder.encode_tensor = lambda self, t, depth: {'$tensor': {}}\n",
    "torch-function-mode": "import torch\nfrom torch.overrides import TorchFunctionMode\n"
    "class Forge(TorchFunctionMode):\n    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
    "        out = func(*args, **(kwargs or {}))\n        return out\n"
    "Forge().__enter__()\n" + WRONG_GRID,
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_does_not_raise_the_score(grade, tmp_path, attack):
    honest = scores(grade(write_notebook(tmp_path / "honest.ipynb", [WRONG_GRID])))["grid"]
    result = grade(write_notebook(tmp_path / f"{attack}.ipynb", [ATTACKS[attack]]))
    assert scores(result)["grid"] <= honest
    assert result["score"] <= honest


def test_patching_inside_a_correct_notebook_changes_nothing(grade, tmp_path):
    # A correct solution that also patches torch: still full marks, no more, no less.
    path = solution_with(
        tmp_path / "patched.ipynb",
        {
            "sum-shapes": "SUM_SHAPES = ((3, 4), (2, 4), (2, 3))\nimport torch\ntorch.allclose = lambda *a, **k: False"
        },
    )
    result = grade(path)
    assert result["score"] == result["max_score"]


def test_the_student_process_never_holds_checks_or_answers(fork_engine):
    from grader.judge.student import Student
    from grader.sandbox.base import Limits

    probe = (
        "import gc, sys, os\n"
        "found = []\n"
        "for obj in gc.get_objects():\n"
        "    try:\n"
        "        if isinstance(obj, str) and ('check_tensor' in obj or 'test_shape_and_values' in obj or 'SUM_SHAPES = ((3' in obj):\n"
        "            found.append(obj[:40])\n"
        "    except Exception:\n"
        "        pass\n"
        "modules = sorted(m for m in sys.modules if m.startswith(('grader', 'bank', 'solutions')))\n"
        "environment = dict(os.environ)\n"
    )
    session = fork_engine.start_session(Limits())
    try:
        assert session.run_cell(probe, 30).status == "ok"
        student = Student(lambda: session, 10)
        assert student.value("found") == []
        assert student.value("modules") == []
        environment = student.value("environment")
        assert not any(
            k.startswith(("GRADER", "GITHUB", "CI", "AWS")) or "TOKEN" in k or "KEY" in k
            for k in environment
        )
    finally:
        session.close()
