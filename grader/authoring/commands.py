"""`grader bank ...`: list, validate and selftest the question bank; write its catalogue; mine
a gradebook for new mutants."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.table import Table

from ..commandline import (
    EXIT_FAILED,
    EXIT_OK,
    UsageProblem,
    add_limit_arguments,
    bank_root,
    console,
    err_console,
    load_bank_or_exit,
)


def cmd_bank_list(args: argparse.Namespace) -> int:
    bank = load_bank_or_exit(args)
    questions = [q for q in bank.questions.values() if args.topic in (None, q.topic)]
    if args.topic and args.topic not in bank.topics:
        raise UsageProblem(f"unknown topic {args.topic!r}; topics: {', '.join(bank.topics)}")
    order = list(bank.topics)
    questions.sort(key=lambda q: (order.index(q.topic), q.difficulty, q.id))
    if args.json:
        print(json.dumps([q.summary() for q in questions], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not console.is_terminal:
        # Piped (to grep, awk, a file): one tab-separated line per question, nothing cut.
        for q in questions:
            print(
                "\t".join(
                    (
                        q.id,
                        q.topic,
                        str(q.difficulty),
                        f"{q.points:g}",
                        q.title["en"],
                        q.title["zh"],
                    )
                )
            )
        return EXIT_OK
    table = Table(title=f"{len(questions)} questions")
    # Ids are what authors copy into commands: never cut, whatever the width (titles wrap).
    widest = max((len(q.id) for q in questions), default=2)
    table.add_column("id", no_wrap=True, min_width=widest)
    for column in ("topic", "difficulty", "points", "title (en)", "title (zh)"):
        table.add_column(column)
    for q in questions:
        table.add_row(
            q.id, q.topic, "★" * q.difficulty, f"{q.points:g}", q.title["en"], q.title["zh"]
        )
    console.print(table)
    return EXIT_OK


def cmd_bank_validate(args: argparse.Namespace) -> int:
    from ..authoring.verify import validate_bank

    bank, problems = validate_bank(bank_root(args))
    for problem in problems:
        err_console.print(f"[red]error[/red] {problem}")
    if problems:
        err_console.print(f"{len(problems)} problem(s) in the bank.")
        return EXIT_FAILED
    mutants = sum(len(q.mutants) for q in bank.questions.values())
    alternates = sum(len(q.alternates) for q in bank.questions.values())
    console.print(
        f"bank OK: {len(bank.questions)} questions in {len(bank.topics)} topics, "
        f"{len(bank.assignments)} assignment(s); every reference and all {alternates} alternates "
        f"get full marks, every starter 0 on hidden checks, all {mutants} mutants are caught "
        "within their credit, points fit the difficulty, no failure message or hint gives an "
        "answer away, every question is in an assignment, and the catalogue and notebooks are "
        "fresh."
    )
    varied = [q for q in bank.questions.values() if q.variants]
    if varied:
        proven = sum(len(q.checked_variants()) for q in varied)
        space = sum(q.variant_count for q in varied)
        console.print(
            f"variants: {len(varied)} question(s) have them; all of the above holds in each of "
            f"the {proven} variant(s) proven ({space} in their spaces; a question with "
            "variant_sample proves that many)."
        )
    return EXIT_OK


def cmd_bank_selftest(args: argparse.Namespace) -> int:
    from ..authoring.selftest import command

    return command(args)


def cmd_bank_catalogue(args: argparse.Namespace) -> int:
    from ..authoring.catalogue import command

    return command(args)


def cmd_bank_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldProblem, create_question

    bank = load_bank_or_exit(args)
    try:
        written = create_question(bank, args.id, args.topic, args.kind)
    except ScaffoldProblem as exc:
        raise UsageProblem(str(exc)) from None
    for path in written:
        console.print(f"wrote {path}", markup=False)
    console.print(
        "Next: fill in every TODO (docs/bank.md has a worked example), then run\n"
        f"  grader bank validate\n  grader bank selftest --question {args.id}\n"
        "  grader bank catalogue\n"
        + (f"  grader assign {args.topic}\n" if args.topic in bank.assignments else ""),
        markup=False,
    )
    return EXIT_OK


def cmd_bank_mine(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..commandline import existing_gradebook
    from .mining import mine, write_drafts

    if args.min_students < 1:
        raise UsageProblem("--min-students must be at least 1")
    with existing_gradebook(args.db) as book:
        known = book.assignments()
        if args.assignment not in known:
            raise UsageProblem(
                f"{args.db}: no results for assignment {args.assignment!r}; it holds: "
                f"{', '.join(known) or 'nothing yet'}"
            )
        results = book.results(args.assignment, counting_only=True)
    mined = mine(results, args.min_students)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: exists and is not a folder; give a folder path")
    write_drafts(mined, out, args.assignment)
    drafts = sum(len(m.groups) for m in mined)
    for question in mined:
        sizes = ", ".join(str(len(g.students)) for g in question.groups)
        console.print(
            f"{question.question:<28} {question.wrong:>4} lost points, "
            f"{question.undiagnosed:>4} undiagnosed; groups of >= {args.min_students}: "
            f"{sizes or 'none'}",
            markup=False,
        )
    console.print(f"wrote {drafts} draft mutant(s) and README.md to {out}/", markup=False)
    return EXIT_OK


def register(subparsers: Any) -> None:
    bank = subparsers.add_parser(
        "bank", help="list, validate and selftest the question bank; write its catalogue"
    )
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION")
    listing = bank_sub.add_parser(
        "list",
        help="list questions",
        description="List the questions of the bank. Example: grader bank list --topic autograd --json",
    )
    listing.add_argument("--topic", help="only this topic")
    listing.add_argument(
        "--json", action="store_true", help="print a JSON array instead of a table"
    )
    listing.set_defaults(handler=cmd_bank_list)
    validate = bank_sub.add_parser(
        "validate",
        help="check every question file, run every reference, alternate, starter and mutant",
        description=(
            "Validate the bank: schema of every YAML file, known topics, unique ids, points that add "
            "up and fit the difficulty, references and alternates that pass all their checks, "
            "starters at 0, mutants that some hidden check catches and that earn no more than "
            "their declared credit, failure messages and hints that give no answer away, mistakes "
            "and hints in both languages, every question in an assignment, bank/README.md and the "
            "assignments' notebooks fresh. "
            "Each problem is printed as FILE: FIELD: PROBLEM, blamed on the file to fix, with "
            "what to do. Exit 1 when there is any."
        ),
    )
    validate.set_defaults(handler=cmd_bank_validate)
    selftest = bank_sub.add_parser(
        "selftest",
        help="grade every reference, alternate, starter and mutant through the real sandbox",
        description=(
            "Grade each question's reference and alternates (must get full marks), starter (must "
            "get 0 on hidden checks) and mutants (each must lose points, within its credit) as "
            "one-cell notebooks through the sandbox, and each assignment's solution notebook "
            "(full marks) and templates (0 on hidden checks). Prints counts per topic, the "
            "mutant kill rate and every failure as ID: VARIANT: PROBLEM; exit 1 on any failure.\n"
            "Examples: grader bank selftest --topic calculus --json\n"
            "          grader bank selftest --assignment preliminaries-core"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    selftest.add_argument(
        "--topic", action="append", help="only this topic (repeatable) and its assignment"
    )
    which = selftest.add_mutually_exclusive_group()
    which.add_argument(
        "--question", nargs="+", metavar="ID", help="only these questions (no assignments)"
    )
    which.add_argument(
        "--assignment", metavar="NAME", help="only this assignment: its questions and notebooks"
    )
    selftest.add_argument("--json", action="store_true", help="print a JSON report")
    add_limit_arguments(selftest)
    selftest.set_defaults(handler=cmd_bank_selftest)
    catalogue = bank_sub.add_parser(
        "catalogue",
        help="write bank/README.md, the catalogue of questions",
        description=(
            "Generate bank/README.md from the bank: per topic its questions (title, kind, "
            "difficulty, points, what the hidden checks catch) and the assignments. With --check, "
            "write nothing and exit 1 when the file is stale.\n"
            "Example: grader bank catalogue --check"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    catalogue.add_argument("--check", action="store_true", help="exit 1 if bank/README.md is stale")
    catalogue.set_defaults(handler=cmd_bank_catalogue)
    new = bank_sub.add_parser(
        "new",
        help="write a new question's files, ready to fill in",
        description=(
            "Write bank/TOPIC/ID/question.yaml (every field, zh and en, mutant and alternate "
            "slots), checks.py (one hidden check), solutions/ID.py, and add ID to the topic's "
            "assignment. Fill in every TODO, then run `grader bank validate`.\n"
            "Example: grader bank new manhattan-distance --topic linear-algebra"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("id", help="the question id: lowercase letters, digits and dashes")
    new.add_argument("--topic", required=True, help="the topic folder (see bank/topics.yaml)")
    new.add_argument(
        "--kind",
        choices=["function", "value", "choice", "predict"],
        default="function",
        help="what the student writes (default: function)",
    )
    new.set_defaults(handler=cmd_bank_new)
    mining = bank_sub.add_parser(
        "mine",
        help="turn the class's common unexplained wrong answers into draft mutants",
        description=(
            "Read the counting submission of each student from a gradebook; for each question, "
            "group the wrong answers that matched no known mistake by how they behaved, and "
            "write for each group of at least --min-students a draft mutant (a representative "
            "answer, comments removed, no student id) with an empty mistake and hint, plus "
            "OUT/README.md. Complete a draft, move it into the question's mutants, then run "
            "`grader bank validate`.\n"
            "Example: grader bank mine --db gradebook.sqlite --assignment preliminaries-core"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mining.add_argument(
        "--db", required=True, help="the gradebook (SQLite) written by grader batch"
    )
    mining.add_argument("--assignment", required=True, help="the assignment to mine")
    mining.add_argument(
        "--out", default="out/mined", help="folder for the drafts (default: out/mined)"
    )
    mining.add_argument(
        "--min-students",
        type=int,
        default=3,
        help="the smallest group worth a draft (default 3)",
    )
    mining.set_defaults(handler=cmd_bank_mine)
