"""Attacks on the score itself: patched comparisons, lying objects, pickles, forged results.

Each notebook is the full solution with `grid` answered wrongly plus the cheat, so the honest
result is exact: grid scores what the plain wrong answer scores (zeros happen to be right for
a 1x1 grid) or 0 when it returns no tensor at all, and every other question keeps its score.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import ROOT
from .notebooks import WRONG_GRID, code, solution_plus

PATCH_COMPARISONS = code(
    """
    import builtins, operator, unittest, math
    import numpy, numpy.testing, torch, torch.testing, pytest
    yes = lambda *a, **k: True
    nothing = lambda *a, **k: None
    torch.allclose = torch.equal = yes
    torch.isclose = torch.eq = lambda a, b, **k: torch.ones_like(torch.as_tensor(a), dtype=torch.bool)
    torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
    torch.Tensor.equal = torch.Tensor.allclose = yes
    torch.testing.assert_close = torch.testing.assert_allclose = nothing
    numpy.allclose = numpy.array_equal = numpy.isclose = yes
    numpy.testing.assert_allclose = numpy.testing.assert_array_equal = nothing
    numpy.testing.assert_equal = numpy.testing.assert_almost_equal = nothing
    class Approx:
        def __init__(self, *a, **k): pass
        def __eq__(self, other): return True
    pytest.approx = Approx
    unittest.TestCase.assertEqual = unittest.TestCase.assertTrue = nothing
    unittest.TestCase.assertAlmostEqual = nothing
    operator.eq = yes
    math.isclose = yes
    """
)

ALWAYS_EQUAL = code(
    """
    class Anything:
        shape = (2, 3)
        dtype = None
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __bool__(self): return True
        def __len__(self): return 2
        def __getattr__(self, name): return self
        def __call__(self, *a, **k): return self
        def __repr__(self): return 'tensor([[0., 1., 2.],\\n        [3., 4., 5.]])'
    def make_grid(rows, cols):
        return Anything()
    """
)

TENSOR_SUBCLASS = code(
    """
    import torch
    class Liar(torch.Tensor):
        def __eq__(self, other): return torch.ones_like(torch.Tensor(self), dtype=torch.bool)
        def equal(self, other): return True
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func in (torch.allclose, torch.equal, torch.Tensor.equal, torch.Tensor.allclose):
                return True
            return super().__torch_function__(func, types, args, kwargs or {})
    def make_grid(rows, cols):
        return torch.zeros(rows, cols).as_subclass(Liar)
    """
)

PARAMETER_LIAR = code(
    """
    import torch
    class Weird(torch.nn.Parameter):
        def __eq__(self, other): return True
    def make_grid(rows, cols):
        return Weird(torch.zeros(rows, cols))
    """
)

DISPATCH_MODE = code(
    """
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    EQUALITY = {torch.ops.aten.eq.Tensor, torch.ops.aten.isclose.default, torch.ops.aten.equal.default}
    class Forge(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if func in EQUALITY:
                return True if func is torch.ops.aten.equal.default else torch.ones_like(out)
            return out
    Forge().__enter__()
    """
)

FAKE_OUTPUT = code(
    """
    import os, sys
    print('All tests passed! grid: 5/5')
    print('{"score": 1000, "max_score": 68.5, "status": "graded"}')
    sys.stderr.write('TOTAL 68.5/68.5\\n')
    sys.__stdout__.write('PASSED grid\\n')
    os.write(1, b'{"score": 1000}\\n')
    os.write(2, b'TOTAL 1000/68.5\\n')
    from IPython.display import display, JSON
    display(JSON({'score': 1000}))
    """
)

FAKE_FILES = code(
    """
    import json, os
    fake = {'score': 1000, 'max_score': 68.5, 'tests': [{'name': 'grid', 'score': 5, 'max_score': 5}]}
    targets = ['results.json', 'result.json', 'grades.json', '.OTTER_LOG', 'gradebook.sqlite',
               '../results.json', '/tmp/results.json', '/autograder/results/results.json',
               os.path.expanduser('~/results.json')]
    for target in targets:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
            with open(target, 'w') as handle:
                json.dump(fake, handle)
        except OSError:
            pass
    """
)

FAKE_MODULES = code(
    """
    import sys, types
    for name in ('grader', 'grader.judge', 'grader.judge.assertions', 'otter', 'otter.check'):
        module = types.ModuleType(name)
        module.check_tensor = module.check_equal = module.check_close = lambda *a, **k: None
        sys.modules[name] = module
    """
)

# name -> (the grid answer, what grid honestly earns: "wrong" = as much as plain zeros)
CHEATS = {
    "patched-comparisons": (WRONG_GRID + PATCH_COMPARISONS, "wrong"),
    "always-equal-object": (ALWAYS_EQUAL, 0.0),
    "tensor-subclass": (TENSOR_SUBCLASS, 0.0),
    "parameter-subclass": (PARAMETER_LIAR, 0.0),
    "dispatch-mode": (WRONG_GRID + DISPATCH_MODE, "wrong"),
    "fake-output": (WRONG_GRID + FAKE_OUTPUT, "wrong"),
    "fake-result-files": (WRONG_GRID + FAKE_FILES, "wrong"),
    "fake-grader-modules": (WRONG_GRID + FAKE_MODULES, "wrong"),
}


@pytest.fixture(scope="module")
def wrong_grid(grade, tmp_path_factory) -> float:
    """What the plain wrong answer earns on grid, with no cheat."""
    path, _ = solution_plus(
        tmp_path_factory.mktemp("wrong") / "wrong.ipynb", replace={"grid": WRONG_GRID}
    )
    score = {q["id"]: q["score"] for q in grade(path)["questions"]}["grid"]
    assert score < 5.0
    return score


# Where FAKE_FILES writes inside the sandbox; on the host none may appear or change.
HOST_RESULT_FILES = [
    Path("/autograder/results/results.json"),
    Path("/tmp/results.json"),
    ROOT / "results.json",
    ROOT / ".OTTER_LOG",
    Path.home() / "results.json",
]


def _stamps(paths: list[Path]) -> dict[Path, float | None]:
    return {p: p.stat().st_mtime if p.exists() else None for p in paths}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_a_cheat_earns_nothing(attack, full_scores, wrong_grid, tmp_path, name):
    source, expected = CHEATS[name]
    path, _ = solution_plus(tmp_path / f"{name}.ipynb", replace={"grid": source})
    before = _stamps(HOST_RESULT_FILES)
    graded = attack.grade(path)
    assert graded.scores == {**full_scores, "grid": wrong_grid if expected == "wrong" else expected}
    assert graded.seconds < attack.slack
    assert _stamps(HOST_RESULT_FILES) == before
    attack.assert_clean(still_grades=False)


def test_a_cheat_in_a_later_cell_changes_nothing(attack, full_scores, tmp_path):
    # Patching everything after a correct solution neither raises nor lowers the score.
    path, cells = solution_plus(tmp_path / "patch-after.ipynb", PATCH_COMPARISONS)
    graded = attack.grade(path)
    assert graded.status(cells[0]) == "ok"
    assert graded.scores == full_scores
    attack.assert_clean(still_grades=False)


def test_a_returned_pickle_payload_never_runs_in_the_grader(attack, full_scores, tmp_path):
    sentinel = f"/tmp/{attack.marker}-unpickled"
    payload = code(
        f"""
        import numpy as np, torch
        class Payload:
            def __reduce__(self):
                return (exec, ("open({sentinel!r}, 'w').write('payload ran')",))
        class PayloadTensor(torch.Tensor):
            def __reduce_ex__(self, protocol):
                return (exec, ("open({sentinel!r}, 'w').write('payload ran')",))
        def make_grid(rows, cols):
            return Payload()
        def add_samples(X, Y):
            return np.array([Payload(), Payload()], dtype=object)
        def add_features(X, Y):
            return torch.cat((X, Y), dim=1).as_subclass(PayloadTensor)
        """
    )
    path, _ = solution_plus(tmp_path / "pickle.ipynb", replace={"grid": payload, "concat": payload})
    graded = attack.grade(path)
    assert graded.scores == {**full_scores, "grid": 0.0, "concat": 0.0}
    assert graded.seconds < attack.slack
    attack.assert_clean()  # the payload's file would be a sentinel in the host's /tmp


META_CLAIMS = {
    "points": 1000,
    "score": 1000,
    "max_score": 1,
    "otter": {"points": 1000, "tests": {"grid": {"points": 1000}}},
    "nbgrader": {"grade": True, "grade_id": "grid", "points": 1000, "solution": False},
    "d2l_grader": {"question": "grid", "role": "answer", "points": 1000, "score": 1000},
}


def test_metadata_that_claims_points_is_ignored(attack, full_scores, wrong_grid, tmp_path):
    import nbformat

    path, _ = solution_plus(
        tmp_path / "metadata.ipynb",
        replace={"grid": WRONG_GRID},
        metadata={
            "d2l_grader": {"score": 1000, "max_score": 1, "assignment": "preliminaries-core"},
            "otter": {"points": 1000, "OK_FORMAT": True},
            "nbgrader": {"total_points": 1000},
        },
    )
    nb = nbformat.read(path, 4)
    for cell in nb.cells:
        cell.metadata.update(META_CLAIMS)
        if cell.cell_type == "code":
            cell.outputs = [
                nbformat.v4.new_output(
                    "execute_result", {"text/plain": "TOTAL 1000/68.5"}, execution_count=1
                )
            ]
    nb.cells.append(nbformat.v4.new_markdown_cell("# BEGIN QUESTION\nname: grid\npoints: 1000"))
    nbformat.write(nb, path)
    graded = attack.grade(path)
    # Points come from the bank: the same maximum as the clean solution, grid earns no more.
    assert graded.result["max_score"] == sum(full_scores.values())
    assert graded.scores == {**full_scores, "grid": wrong_grid}
    attack.assert_clean()
