"""`course.toml`: deadlines, late policy, caps and what students see, per assignment.

```toml
[assignments.preliminaries-core]
deadline = "2026-12-20T23:59:00+08:00"   # ISO 8601 with a UTC offset; none: no deadline
late_penalty_per_day = 0.1                # a fraction of the score per day late (default 0)
cutoff_days = 3                           # refuse submissions this many days after (default: never)
daily_cap = 10                            # submissions per student per day (UTC), default 10
counts = "latest"                         # or "best"
before_deadline = "checks"                # what students see: "score", "checks" or "full"
after_deadline = "full"
extensions = { alice = 2 }                # extra days for some students
```

Absent file or absent assignment: no deadline, no penalty, 10 submissions a day, the latest
counts, check names before the deadline and everything after (there is none, so: checks).
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VISIBILITY = ("score", "checks", "full")
COUNTS = ("latest", "best")
DEFAULT_DAILY_CAP = 10


class CourseProblem(Exception):
    """course.toml cannot be used as written; the message says where and what to do."""


@dataclass(frozen=True)
class Policy:
    deadline: dt.datetime | None = None
    late_penalty_per_day: float = 0.0
    cutoff_days: float | None = None
    daily_cap: int = DEFAULT_DAILY_CAP
    counts: str = "latest"
    before_deadline: str = "checks"
    after_deadline: str = "full"
    extensions: dict[str, float] = field(default_factory=dict)

    def due(
        self, student: str, granted: dict[tuple[str, str], float], assignment: str
    ) -> dt.datetime | None:
        """The student's own deadline: the course's, plus their extension (course.toml's or
        one granted on the server, whichever is larger)."""
        if self.deadline is None:
            return None
        days = max(self.extensions.get(student, 0.0), granted.get((student, assignment), 0.0))
        return self.deadline + dt.timedelta(days=days)

    def late_days(self, due: dt.datetime | None, at: dt.datetime) -> int:
        """Whole days late, rounded up (a minute late is a day late); 0 when on time."""
        if due is None or at <= due:
            return 0
        return math.ceil((at - due).total_seconds() / 86400)

    def closed(self, due: dt.datetime | None, at: dt.datetime) -> bool:
        return (
            due is not None
            and self.cutoff_days is not None
            and at > due + dt.timedelta(days=self.cutoff_days)
        )

    def penalized(self, score: float, late_days: int) -> float:
        return round(score * max(0.0, 1.0 - self.late_penalty_per_day * late_days), 6)

    def visibility(self, due: dt.datetime | None, at: dt.datetime) -> str:
        return self.after_deadline if due is not None and at > due else self.before_deadline


@dataclass(frozen=True)
class Course:
    policies: dict[str, Policy] = field(default_factory=dict)

    def policy(self, assignment: str) -> Policy:
        return self.policies.get(assignment, Policy())


def load_course(path: Path | None, assignments: list[str]) -> Course:
    if path is None:
        return Course()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseProblem(f"{path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseProblem(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"assignments"}
    if unknown:
        raise CourseProblem(f"{path}: unknown table(s) {sorted(unknown)}; only [assignments.NAME]")
    policies = {}
    for name, raw in (data.get("assignments") or {}).items():
        if name not in assignments:
            raise CourseProblem(
                f"{path}: [assignments.{name}] is not served; served: {', '.join(assignments)}"
            )
        policies[name] = _policy(raw, f"{path}: [assignments.{name}]")
    return Course(policies)


def _policy(raw: dict[str, Any], where: str) -> Policy:
    known = set(Policy.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise CourseProblem(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
    values: dict[str, Any] = dict(raw)
    if "deadline" in values:
        deadline = values["deadline"]
        if isinstance(deadline, str):
            try:
                deadline = dt.datetime.fromisoformat(deadline)
            except ValueError:
                raise CourseProblem(f"{where}: deadline {deadline!r} is not ISO 8601") from None
        if not isinstance(deadline, dt.datetime) or deadline.tzinfo is None:
            raise CourseProblem(
                f"{where}: deadline needs a date, a time and a UTC offset, "
                "e.g. 2026-12-20T23:59:00+08:00"
            )
        values["deadline"] = deadline
    for key, choices in (
        ("counts", COUNTS),
        ("before_deadline", VISIBILITY),
        ("after_deadline", VISIBILITY),
    ):
        if key in values and values[key] not in choices:
            raise CourseProblem(
                f"{where}: {key} = {values[key]!r}; use one of {', '.join(choices)}"
            )
    for key in ("late_penalty_per_day", "cutoff_days"):
        if key in values and (not isinstance(values[key], int | float) or values[key] < 0):
            raise CourseProblem(f"{where}: {key} must be a number ≥ 0")
    if "daily_cap" in values and (
        not isinstance(values["daily_cap"], int) or values["daily_cap"] < 1
    ):
        raise CourseProblem(f"{where}: daily_cap must be a whole number ≥ 1")
    extensions = values.get("extensions", {})
    if not isinstance(extensions, dict) or not all(
        isinstance(v, int | float) and v >= 0 for v in extensions.values()
    ):
        raise CourseProblem(f"{where}: extensions = {{ student = days, … }} with days ≥ 0")
    values["extensions"] = {str(k): float(v) for k, v in extensions.items()}
    return Policy(**values)
