"""Diagnosis: which known mistake does a wrong answer make?

While a question is graded, the `student` proxy records every call the checks make and what came
back (`observe.Observation`). When the question loses points, the judge replays the same checks,
with the same seed, on each of the question's mutants (bank code, trusted: run here, in the
grader's process), so every check makes the same calls with the same arguments, and compares
what came back call by call (`observe.same`). A student whose every call came back like a
mutant's is diagnosed with that mutant's mistake; among several, the one with the most calls
matched wins, then the one listed first in the bank. A mutant's replay stops at its first call
that differs from the student's: most mutants differ at the first call, so a diagnosis costs
about one full replay (~2 ms) per wrong question, and nothing for a right one.

A wrong answer that matches no mutant gets a fingerprint instead (`behaviour`, for `grader bank
mine`): its question's checks are replayed on the student's code once more with one fixed seed
(DIAGNOSIS_SEED), so that two students' fingerprints are comparable whatever their submissions'
seeds.

A mutant that raises, hangs or crashes here gives no diagnosis and never fails the grading: each
runs under its own deadline (then it is stopped, see _Deadlines), and the whole question under a
budget. `grader bank selftest` proves in the sandbox that every mutant ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..bank.model import Mutant, Question
from ..sandbox.base import Limits
from ..sandbox.inprocess import InProcessSession
from .observe import Observation, same
from .runner import Check, RunOptions, run_check
from .student import Student

# The seed of the replay that fingerprints an undiagnosed answer (and of `mutant_trace`'s
# recordings in the tests), whatever the submission's seed.
DIAGNOSIS_SEED = "diagnosis"
MUTANT_SECONDS = 5.0  # a mutant's replay takes ~2 ms; the deadlines bound one that misbehaves
QUESTION_SECONDS = 10.0
STOP_SECONDS = 1.0  # for a replay that outlived its deadline to end once told to


@dataclass(frozen=True)
class Diagnosis:
    mutant: str
    mistake: dict[str, str]
    hint: dict[str, str]
    matched_calls: int
    calls: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "mutant": self.mutant,
            "mistake": self.mistake,
            "hint": self.hint,
            "matched_calls": self.matched_calls,
            "calls": self.calls,
        }


def diagnose(
    question: Question,
    checks: list[Check],
    student_trace: list[Observation],
    base_seed: int | str,
    options: RunOptions,
    seconds: float = QUESTION_SECONDS,
) -> Diagnosis | None:
    """The known mistake the student's calls match on every call, or None."""
    if not student_trace or not question.mutants:
        return None
    deadline = time.monotonic() + seconds
    best: tuple[int, Mutant] | None = None
    for mutant in question.mutants:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        replayed = _replay(
            question, mutant, checks, base_seed, options, min(left, MUTANT_SECONDS), student_trace
        )
        if replayed is None:
            continue
        matched, complete = replayed
        if complete and matched == len(student_trace) and (best is None or matched > best[0]):
            best = (matched, mutant)
    if best is None:
        return None
    matched, mutant = best
    return Diagnosis(
        mutant=mutant.name,
        mistake=_bilingual(mutant.mistake),
        hint=_bilingual(mutant.hint or {}),
        matched_calls=matched,
        calls=len(student_trace),
    )


def _bilingual(text: dict[str, str]) -> dict[str, str]:
    english = text.get("en", "")
    return {"en": english, "zh": text.get("zh") or english}


def mutant_trace(
    question: Question,
    mutant: Mutant,
    checks: list[Check],
    base_seed: int | str,
    options: RunOptions,
    seconds: float = MUTANT_SECONDS,
) -> list[Observation] | None:
    """Everything the question's checks observe of `mutant`'s code, or None when the mutant
    fails to run (its cell raises) or outlives `seconds` (for the bank's tests and tools)."""
    trace: list[Observation] = []
    if _replay(question, mutant, checks, base_seed, options, seconds, None, trace) is None:
        return None
    return trace


class _Differs(BaseException):
    """The mutant's call came back unlike the student's: the rest of its replay is moot.
    (A BaseException: the check runner turns every Exception into a failed check.)"""


class _Matching(list):
    """A mutant's recording that compares each call with the student's as it is made."""

    def __init__(self, student: list[Observation]) -> None:
        super().__init__()
        self.student = student
        # Set once a call differed: a doctest catches even a BaseException, so the replay may
        # go on, but it can no longer match.
        self.differed = False

    def append(self, observation: Observation) -> None:
        index = len(self)
        mine = self.student[index] if index < len(self.student) else None
        if (
            self.differed
            or mine is None
            or not (mine.same_request(observation) and same(mine.seen, observation.seen))
        ):
            self.differed = True
            raise _Differs
        super().append(observation)


def _replay(
    question: Question,
    mutant: Mutant,
    checks: list[Check],
    base_seed: int | str,
    options: RunOptions,
    seconds: float,
    student: list[Observation] | None,
    into: list[Observation] | None = None,
) -> tuple[int, bool] | None:
    """Run the checks on `mutant` in this process. With `student`, compare as it goes and stop
    at the first call that differs; without, record every call into `into`. Returns (calls
    recorded or matched, whether the replay ran to its end), or None when the mutant's cell
    raises or the replay outlives `seconds`."""
    limits = Limits()
    session = InProcessSession(limits)
    recording: list[Observation] = (
        _Matching(student) if student is not None else into if into is not None else []
    )
    try:
        with _DEADLINES.limit(seconds) as expired:
            try:
                if session.run_cell(mutant.code, limits.cell_timeout).status != "ok":
                    return None
                proxy = Student(lambda: session, limits.call_timeout, limits.max_message_bytes)
                proxy.record_into(recording)
                for check in checks:
                    run_check(check, proxy, base_seed, options)
                return len(recording), not getattr(recording, "differed", False)
            except _Differs:
                return len(recording), False
    except MutantOutlived:
        return None
    except Exception:  # a mutant that breaks the replay gives no diagnosis, nothing more
        return None
    finally:
        session.close()
        if expired.is_set():
            return None  # noqa: B012 - outlived: whatever it recorded does not count


class MutantOutlived(BaseException):
    """Raised in the thread running a mutant's replay that outlived its deadline."""


class _Deadlines:
    """Ends a mutant's replay that outlives its deadline, without a thread per replay (starting
    one cost ~3 ms, more than the replay). One watchdog thread, started on first use, raises
    MutantOutlived in the replaying thread when its deadline passes: Python checks for it
    between bytecodes, so `while True: pass` ends (a call into C ends first). Without it, a
    looping mutant would hold a core and the GIL for the life of the grader."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._running: dict[int, tuple[float, threading.Event]] = {}  # thread -> deadline
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def limit(self, seconds: float) -> Iterator[threading.Event]:
        expired = threading.Event()
        ident = threading.get_ident()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="diagnosis-deadlines", daemon=True
                )
                self._thread.start()
            self._running[ident] = (time.monotonic() + seconds, expired)
            self._lock.notify()
        try:
            yield expired
        finally:
            with self._lock:
                self._running.pop(ident, None)
            if expired.is_set():
                # Raised after the replay ended on its own: withdraw it before it fires here.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for ident, (deadline, expired) in list(self._running.items()):
                    if deadline <= now:
                        expired.set()
                        del self._running[ident]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(ident), ctypes.py_object(MutantOutlived)
                        )
                deadlines = [deadline for deadline, _ in self._running.values()]
                self._lock.wait(min(deadlines) - now if deadlines else None)


_DEADLINES = _Deadlines()
