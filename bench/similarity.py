"""Cost of the similarity report as the class grows: 100 to 500 students × preliminaries-core.

Each synthetic student (tests/similarity_class.py) answers the four generated questions in
varied honest styles, and every other core question with the bank's reference or one of its
alternates, as a class mostly does; one student in ten copies another with renamed names. The
report (fingerprints, the class-frequency discount, the pair index, the top pairs' highlights)
is built for each size, and the time and its growth from 100 are printed.

    python bench/similarity.py [--sizes 100 200 300 400 500]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.bank.loader import load_bank  # noqa: E402
from grader.reports.similarity import build_similarity  # noqa: E402
from tests.similarity_class import MAX, honest, renamed  # noqa: E402

CORE = "preliminaries-core"


def class_of(size: int, bank, seed: int = 1) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    questions = bank.assignment_questions(CORE)
    others = {
        q.id: [q.solution_for(q.variant(0)), *(a.code for a in q.rendered(q.variant(0)).alternates)]
        for q in questions
        if q.id not in MAX
    }
    entries = []
    for index in range(size):
        codes = honest(rng)
        codes.update({qid: rng.choice(options) for qid, options in others.items()})
        if index % 10 == 9:  # a copy of the previous student
            codes = {qid: renamed(code, rng) for qid, code in entries[-1][1]["codes"].items()}
        entries.append((f"s{index:04d}", {"codes": codes}))
    return [
        (
            student,
            {
                "questions": [
                    {"id": qid, "score": 1.0, "max_score": 1.0, "checks": [], "code": code}
                    for qid, code in data["codes"].items()
                ]
            },
        )
        for student, data in entries
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 300, 400, 500])
    args = parser.parse_args()
    bank, problems = load_bank()
    assert not problems, problems
    times = {}
    for size in args.sizes:
        entries = class_of(size, bank)
        started = time.perf_counter()
        report = build_similarity(entries, bank, CORE)
        times[size] = time.perf_counter() - started
        copies = {(f"s{i - 1:04d}", f"s{i:04d}") for i in range(9, size, 10)}
        top = {(p.a, p.b) for p in report.pairs[: len(copies)]}
        print(
            f"{size:4d} students × {len(report.questions)} questions: {times[size]:6.2f} s, "
            f"{len(report.pairs)} pairs share code, planted copies in the top {len(copies)}: "
            f"{len(top & copies)}/{len(copies)}"
        )
    first = min(times)
    for size in sorted(times)[1:]:
        print(
            f"growth {first} -> {size}: {times[size] / times[first]:.1f}x for {size / first:.0f}x the students"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
