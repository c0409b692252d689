"""What a hidden-check file imports. Checks read like pytest tests:

    import pytest, torch
    from grader.judge import points, check_tensor

    @points(2)
    @pytest.mark.parametrize("rows, cols", [(2, 3), (4, 1)])
    def test_values(student, rows, cols):
        \"\"\"holds 0 … rows·cols−1 row by row\"\"\"
        check_tensor(student.make_grid(rows, cols), torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols))

Fixtures by name: `student` (the proxy to the student's names), `rng` (a torch.Generator seeded
per submission and check, so a grade can be reproduced), `seed` (the same seed as an int),
`device` (the check runs once per device: "cpu", and "cuda" where the grading asked for it and
CUDA exists; otherwise that case is skipped and left out of the maximum). A check file may
define more fixtures with `@pytest.fixture` or `@fixture`.

`@points(n)` gives each case of the check n points (default 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

POINTS_ATTR = "__grader_points__"
FIXTURE_ATTR = "__grader_fixture__"


def points(value: float) -> Callable[[F], F]:
    """Points for each case of a check, like gradescope-utils' @weight."""
    if value < 0:
        raise ValueError("points must be >= 0")

    def mark(function: F) -> F:
        setattr(function, POINTS_ATTR, float(value))
        return function

    return mark


def fixture(function: F) -> F:
    """Declare a fixture in a check file (pytest's @pytest.fixture works too)."""
    setattr(function, FIXTURE_ATTR, True)
    return function
