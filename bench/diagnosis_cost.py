"""What diagnosis costs a batch, and what it finds, measured side by side in one run.

Generates a class of preliminaries-core where most answers are wrong: each student replaces 3
of the 14 answers (drawn in a fixed order) by a known mistake of the bank (a mutant, 70% of the
wrong answers) or by a wrong answer no mutant describes (30%: the reference with its
functions' results scaled, which no mutant does), and a class where every answer is an
alternate (other correct answers). Then `grader batch --workers 2` runs on the wrong class with
`--no-diagnosis` and with diagnosis, alternately (`--rounds` times each: these machines are
noisy), and once on the alternates. Prints the warm rate (submissions per second from the first
result to the last) of each run, the ratio, the diagnosis rate of the wrong answers that are
mutants, and the number of alternates diagnosed (must be 0).

    python bench/diagnosis_cost.py [--n 200] [--rounds 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_throughput import ASSIGNMENT, SOLUTION, run_batch  # noqa: E402

WRONG_PER_STUDENT = 3


def _replace(notebook, answers: dict[str, str]) -> None:
    for cell in notebook.cells:
        meta = cell.metadata.get("d2l_grader", {})
        if meta.get("role") == "answer" and meta.get("question") in answers:
            cell.source = answers[meta["question"]]


def _unknown(code: str, names: list[str]) -> str:
    """A wrong answer no mutant gives: the reference, then its functions' results scaled."""
    wrapped = "".join(f"{name} = _scaled({name})\n" for name in names)
    return (
        code + "\n\ndef _scaled(f):\n"
        "    import functools, torch\n"
        "    @functools.wraps(f)\n"
        "    def g(*args, **kwargs):\n"
        "        v = f(*args, **kwargs)\n"
        "        return v * 3 + 1 if isinstance(v, torch.Tensor) and v.is_floating_point() else v\n"
        "    return g\n" + wrapped
    )


def generate(folder: Path, n: int) -> tuple[list[Path], dict[str, str]]:
    """The wrong class, and {file name: 'mutant'|'unknown'} per planted answer kind."""
    from grader.bank.loader import load_bank

    bank, _ = load_bank()
    questions = [q for q in bank.assignment_questions(ASSIGNMENT) if q.kind == "function"]
    base = nbformat.read(SOLUTION, as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    planted: dict[str, str] = {}
    paths = []
    for i in range(n):
        notebook = nbformat.from_dict(base)
        answers = {}
        for k in range(WRONG_PER_STUDENT):
            question = questions[(i * WRONG_PER_STUDENT + k) % len(questions)]
            mutant = question.mutants[(i + k) % len(question.mutants)]
            unknown = (i + k) % 10 >= 7
            functions = [d.name for d in question.defines if d.kind == "function"]
            answers[question.id] = (
                _unknown(question.solution(), functions) if unknown else mutant.code
            )
            planted[f"student{i:05d}:{question.id}"] = (
                "unknown" if unknown else f"mutant:{mutant.name}"
            )
        _replace(notebook, answers)
        path = folder / f"student{i:05d}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths, planted


def generate_alternates(folder: Path, n: int) -> list[Path]:
    from grader.bank.loader import load_bank

    bank, _ = load_bank()
    questions = [q for q in bank.assignment_questions(ASSIGNMENT) if q.alternates]
    base = nbformat.read(SOLUTION, as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        notebook = nbformat.from_dict(base)
        _replace(notebook, {q.id: q.alternates[i % len(q.alternates)].code for q in questions})
        path = folder / f"student{i:05d}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths


def diagnoses(db: Path) -> list[tuple[str, str, float, float, str | None]]:
    """(student, question, score, max, diagnosed mutant) for every question of every result."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT student, result_json FROM submissions WHERE status = 'graded'")
    out = []
    for student, text in rows:
        for q in json.loads(text)["questions"]:
            mutant = (q.get("diagnosis") or {}).get("mutant")
            out.append((student, q["id"], q["score"], q["max_score"], mutant))
    con.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="students in each class (default 200)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each mode (default 2)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _, planted = generate(work / "wrong", args.n)
        generate_alternates(work / "alternates", args.n)
        rates: dict[str, list[float]] = {"without": [], "with": []}
        for r in range(args.rounds):
            for mode, extra in (("without", ("--no-diagnosis",)), ("with", ())):
                db = work / f"{mode}-{r}.sqlite"
                stats = run_batch(work / "wrong", db, args.workers, extra)
                rates[mode].append(stats["warm_rate"])
                print(
                    f"round {r + 1}, diagnosis {mode:>7}: {stats['n']} graded, "
                    f"warm {stats['warm_rate']:.1f}/s, end to end {stats['rate']:.1f}/s, "
                    f"median {stats['median'] * 1000:.0f} ms"
                )
        without, with_ = statistics.median(rates["without"]), statistics.median(rates["with"])
        print(
            f"warm rate: {without:.1f}/s without diagnosis, {with_:.1f}/s with "
            f"(ratio {with_ / without:.2f})"
        )
        rows = diagnoses(work / f"with-{args.rounds - 1}.sqlite")
        found = {(s, q): m for s, q, score, top, m in rows if score < top}
        mutants = [k for k, v in planted.items() if v.startswith("mutant:")]
        unknown = [k for k, v in planted.items() if v == "unknown"]

        def key(name: str) -> tuple[str, str]:
            student, _, question = name.partition(":")
            return student, question

        right = sum(found.get(key(k)) == planted[k].split(":", 1)[1] for k in mutants)
        other = sum(found.get(key(k)) not in (None, planted[k].split(":", 1)[1]) for k in mutants)
        lost_unknown = [k for k in unknown if key(k) in found]
        print(
            f"mutant answers: {len(mutants)}, diagnosed as that mutant {right} "
            f"({right / len(mutants):.1%}), as another (indistinguishable) mutant {other}"
        )
        print(
            f"unknown wrong answers: {len(unknown)}, losing points {len(lost_unknown)}, "
            f"diagnosed {sum(found[key(k)] is not None for k in lost_unknown)}"
        )
        db = work / "alternates.sqlite"
        stats = run_batch(work / "alternates", db, args.workers)
        alt = diagnoses(db)
        print(
            f"alternates class: {stats['n']} graded, {sum(s < t for _, _, s, t, _ in alt)} "
            f"questions lost points, {sum(m is not None for *_, m in alt)} diagnosed (must be 0)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
