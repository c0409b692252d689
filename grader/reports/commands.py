"""`grader report feedback` and `grader report class`: thin wiring from the gradebook to the pages.

The gradebook is only read, through `Gradebook.results(...)`; a missing file is an error, not a
new empty gradebook.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..commandline import UsageProblem, console, existing_gradebook, load_bank_or_exit

if TYPE_CHECKING:
    from ..gradebook.store import Gradebook

EXAMPLE_FEEDBACK = "grader report feedback --db gradebook.sqlite --out out/feedback/ --lang zh"
EXAMPLE_CLASS = "grader report class --db gradebook.sqlite --out out/class.html"


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report",
        help="feedback pages for students, a class report for the instructor",
        description=(
            "Pages built from a gradebook that `grader batch` filled.\n"
            f"Examples:\n  {EXAMPLE_FEEDBACK}\n  {EXAMPLE_CLASS}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = report.add_subparsers(dest="report_command", metavar="ACTION")

    feedback = actions.add_parser(
        "feedback",
        help="one page per student (HTML, and Markdown for LMS comments)",
        description=(
            "Write OUT/ASSIGNMENT/STUDENT.html and STUDENT.md for the submission that counts for each "
            "student: per question the score, what passed, what failed with the check's message and "
            "a hint, and the cells that raised errors. Hidden expected values are never shown.\n"
            f"Example: {EXAMPLE_FEEDBACK}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    feedback.add_argument(
        "--db", required=True, help="the gradebook (SQLite) written by grader batch"
    )
    feedback.add_argument("--out", required=True, help="folder for the pages (created if missing)")
    feedback.add_argument("--assignment", help="only this assignment (default: every one)")
    feedback.add_argument(
        "--lang",
        choices=["zh", "en"],
        help="page language (default: each student's notebook language, else en)",
    )
    feedback.add_argument(
        "--hints",
        choices=["show", "hide"],
        help="show or hide the hints of diagnosed mistakes (default: what each result says, "
        "i.e. grading's --hints; e.g. grade with --hints hide, rewrite pages with --hints show "
        "after the deadline)",
    )
    feedback.set_defaults(handler=cmd_feedback)

    klass = actions.add_parser(
        "class",
        help="one self-contained HTML page with plots for the instructor",
        description=(
            "Write one HTML page (plots embedded, opens offline): score histogram overall and per "
            "question, failure rate per check, the most common failure messages, grading time per "
            "submission, and the submissions that could not be graded.\n"
            f"Example: {EXAMPLE_CLASS} --assignment preliminaries-core"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    klass.add_argument("--db", required=True, help="the gradebook (SQLite) written by grader batch")
    klass.add_argument("--out", required=True, help="the HTML file to write")
    klass.add_argument(
        "--assignment", help="the assignment (needed when the gradebook holds several)"
    )
    klass.set_defaults(handler=cmd_class)

    similar = actions.add_parser(
        "similarity",
        help="pairs of students whose answers look copied (for a person to read)",
        description=(
            "Compare every pair of students question by question: each answer cell normalised "
            "(comments, layout, names and literals do not matter; reordered functions neither), "
            "fingerprinted (winnowing, the MOSS algorithm, via copydetect), with what the bank's "
            "own answers, the starter and a large share of the class write left out. Writes one "
            "HTML page (ranked pairs, then the top ones side by side with the shared code "
            "marked) and, with --json, the scores. It flags; it never changes a grade. See "
            "docs/similarity.md.\n"
            "Example: grader report similarity --db out/gradebook.sqlite --assignment "
            "preliminaries-core --out out/similarity.html --archive last-year.sqlite"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    similar.add_argument("--db", required=True, help="the gradebook (SQLite)")
    similar.add_argument("--assignment", required=True, help="the assignment to compare")
    similar.add_argument("--out", required=True, help="the HTML file to write")
    similar.add_argument("--json", metavar="OUT", help="also write the ranked pairs as JSON")
    similar.add_argument(
        "--archive",
        action="append",
        default=[],
        metavar="OLD.sqlite",
        help="an earlier term's gradebook to compare this class with (repeatable)",
    )
    similar.add_argument(
        "--top", type=int, default=50, help="pairs to list (default 50; --json lists as many)"
    )
    similar.set_defaults(handler=cmd_similarity)


def _assignments(book: Any, wanted: str | None, db: str) -> list[str]:
    present = book.assignments()
    if not present:
        raise UsageProblem(f"{db}: the gradebook holds no results yet; run `grader batch` first")
    if wanted is None:
        return present
    if wanted not in present:
        raise UsageProblem(
            f"{db}: no results for assignment {wanted!r}; it holds: {', '.join(present)}"
        )
    return [wanted]


_UNSAFE = re.compile(r"[^\w.-]+")


def safe_file_stem(student: str, taken: set[str]) -> str:
    """A file name for a student id (which came from a submission's file name, so may hold
    anything): word characters, dots and dashes only, never hidden, unique even on a
    case-insensitive file system (a short hash of the id is added when needed)."""
    stem = _UNSAFE.sub("_", student).strip("._")[:80] or "student"
    if stem != student or stem.casefold() in taken:
        digest = hashlib.sha256(student.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem}-{digest}"
    taken.add(stem.casefold())
    return stem


def without_source(error: str | None, source: str) -> str | None:
    """The reason without the instructor's path in front of it ("subs/eve.ipynb: ..."): the
    student knows which notebook they handed in."""
    if error is None:
        return None
    for prefix in (source, source.rsplit("/", 1)[-1]):
        if prefix and error.startswith(prefix + ": "):
            return error[len(prefix) + 2 :]
    return error


def cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback import build_feedback, render_html, render_markdown

    bank = load_bank_or_exit(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: exists and is not a folder; give a folder path")
    written = 0
    with existing_gradebook(args.db) as book:
        for assignment in _assignments(book, args.assignment, args.db):
            folder = out / _UNSAFE.sub("_", assignment)
            folder.mkdir(parents=True, exist_ok=True)
            taken: set[str] = set()
            for stored in sorted(
                book.results(assignment, counting_only=True), key=lambda s: s.student
            ):
                page = build_feedback(
                    stored.student,
                    stored.result,
                    bank,
                    args.lang or (stored.result or {}).get("lang") or "en",
                    assignment=assignment,
                    error=without_source(stored.error, stored.source),
                    hints=args.hints,
                )
                stem = safe_file_stem(stored.student, taken)
                (folder / f"{stem}.html").write_text(render_html(page), encoding="utf-8")
                (folder / f"{stem}.md").write_text(render_markdown(page), encoding="utf-8")
                written += 1
            console.print(f"{assignment}: wrote {len(taken)} page(s) to {folder}/", markup=False)
    if written == 0:
        console.print("no counting submissions found; nothing written", markup=False)
    return 0


def _output_file(path: str, example: str) -> Path:
    """--out as the file to write; a folder is a usage error that names a file in it."""
    out = Path(path)
    if out.is_dir():
        raise UsageProblem(f"--out {out}: is a folder; give a file name such as {out / example}")
    return out


def _graded(book: Gradebook, assignment: str) -> list[tuple[str, dict[str, Any]]]:
    """(student, result) of each counting submission of `assignment` that was graded."""
    return [
        (s.student, s.result)
        for s in book.results(assignment, counting_only=True)
        if s.result is not None
    ]


def cmd_class(args: argparse.Namespace) -> int:
    from .classreport import class_report_html

    bank = load_bank_or_exit(args)
    out = _output_file(args.out, "class.html")
    with existing_gradebook(args.db) as book:
        assignments = _assignments(book, args.assignment, args.db)
        if len(assignments) > 1:
            raise UsageProblem(
                f"{args.db} holds several assignments ({', '.join(assignments)}); "
                "pick one with --assignment"
            )
        assignment = assignments[0]
        stored = book.results(assignment, counting_only=True)
    graded = [(s.student, s.result) for s in stored if s.result is not None]
    ungradable = [(s.student, s.error or "unknown error") for s in stored if s.result is None]
    html = class_report_html(graded, bank, assignment, ungradable=ungradable)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    console.print(
        f"{assignment}: {len(graded)} graded, {len(ungradable)} not gradable; wrote {out}",
        markup=False,
    )
    return 0


def cmd_similarity(args: argparse.Namespace) -> int:
    from .similarity import build_similarity, similarity_html

    bank = load_bank_or_exit(args)
    out = _output_file(args.out, "similarity.html")
    if args.top < 1:
        raise UsageProblem(f"--top must be at least 1 (got {args.top})")
    with existing_gradebook(args.db) as book:
        entries = _graded(book, args.assignment)
    if not entries:
        raise UsageProblem(f"{args.db} holds no graded submission of {args.assignment!r}")
    archive = []
    for path in args.archive:
        with existing_gradebook(path) as old:
            label = Path(path).stem
            archive += [(f"{student} ({label})", r) for student, r in _graded(old, args.assignment)]
    report = build_similarity(entries, bank, args.assignment, archive=archive, highlight=args.top)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(similarity_html(report, top=args.top), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps(report.as_dict(top=args.top), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    console.print(
        f"{args.assignment}: {report.students} students, {len(report.pairs)} pairs share code; "
        f"top score {report.pairs[0].score:.2f}; wrote {out}"
        if report.pairs
        else f"{args.assignment}: {report.students} students, no pair shares code; wrote {out}",
        markup=False,
    )
    if report.skipped:
        console.print(
            f"{len(report.skipped)} result(s) hold no answer code (graded by an older grader); "
            "regrade them to compare them",
            markup=False,
        )
    return 0
