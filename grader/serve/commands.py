"""`grader serve` (the submission server), `grader serve tokens` and `grader submit`."""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path
from typing import Any

from ..commandline import (
    EXIT_FAILED,
    EXIT_OK,
    UsageProblem,
    add_limit_arguments,
    add_secret_argument,
    console,
    err_console,
    load_bank_or_exit,
    read_roster,
    require_assignments,
    require_variant_identity,
    secret_from_args,
)


def cmd_serve(args: argparse.Namespace) -> int:
    if getattr(args, "serve_action", None) == "tokens":
        return cmd_tokens(args)
    import uvicorn

    from ..batch.commands import grade_config_from_args
    from ..gradebook.server_store import ServerStore
    from ..gradebook.store import GradebookProblem
    from .app import Server, ServerConfig, build_app
    from .course import CourseProblem, load_course
    from .grading import GradingLoop

    if not args.assignment or not args.db:
        raise UsageProblem(
            "grader serve needs --assignment A (one or more) and --db gradebook.sqlite"
        )
    bank = load_bank_or_exit(args)
    require_assignments(bank, *args.assignment)
    for assignment in args.assignment:
        require_variant_identity(bank, assignment, args, student="from the tokens")
    if args.workers < 1:
        raise UsageProblem(f"--workers must be at least 1 (got {args.workers})")
    try:
        course = load_course(Path(args.course) if args.course else None, args.assignment)
    except CourseProblem as exc:
        raise UsageProblem(str(exc)) from None
    db = Path(args.db)
    try:
        store = ServerStore(db)
    except GradebookProblem as exc:
        raise UsageProblem(str(exc)) from None
    requeued = store.requeue_interrupted()
    pending = store.pending()
    students = store.student_count()
    store.close()
    if students == 0:
        err_console.print(
            f"warning: {db} holds no student tokens yet; run `grader serve tokens --roster "
            f"roster.csv --db {db} --out tokens.csv`",
            markup=False,
        )
    # one pool serves every assignment: each task names its own
    config = grade_config_from_args(args, bank, args.assignment[0], secret_from_args(args))
    loop = GradingLoop(db, config, args.workers)
    server = Server(
        ServerConfig(
            bank=bank,
            db=db,
            assignments=list(args.assignment),
            course=course,
            max_upload=int(args.max_upload_mb * 1024 * 1024),
            secure_cookies=args.secure_cookies,
        ),
        loop,
    )
    app = build_app(server)
    loop.start()
    console.print(
        f"serving {', '.join(args.assignment)} on http://{args.host}:{args.port} "
        f"({args.workers} warm worker(s); {pending} submission(s) waiting"
        + (f", {requeued} interrupted by the last stop and queued again" if requeued else "")
        + ")",
        markup=False,
    )
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        loop.stop()
    if loop.failure:
        err_console.print(
            f"grader serve: the grading workers stopped: {loop.failure}", markup=False
        )
        return EXIT_FAILED
    return EXIT_OK


def cmd_tokens(args: argparse.Namespace) -> int:
    from ..gradebook.server_store import ServerStore

    if not args.db or not args.out:
        raise UsageProblem("grader serve tokens needs --db gradebook.sqlite and --out tokens.csv")
    if not args.roster and not args.instructor:
        raise UsageProblem("give --roster roster.csv (students) and/or --instructor NAME")
    students = [row["student"] for row in read_roster(args.roster)] if args.roster else []
    store = ServerStore(Path(args.db))
    try:
        issued = store.issue_tokens(students, "student", rotate=args.rotate)
        for name in args.instructor or []:
            issued.update(
                {
                    name: token
                    for name, token in store.issue_tokens(
                        [name], "instructor", rotate=args.rotate
                    ).items()
                }
            )
    finally:
        store.close()
    out = Path(args.out)
    new_file = not out.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new_file:
            writer.writerow(["student", "token"])
        for student, token in issued.items():
            writer.writerow([student, token])
    console.print(
        f"issued {len(issued)} token(s) ({len(students) + len(args.instructor or []) - len(issued)} "
        f"already had one{'; --rotate replaces them' if not args.rotate else ''}); appended to "
        f"{out}, the only plaintext copy: hand each student their line",
        markup=False,
    )
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    import requests

    path = Path(args.notebook)
    if not path.is_file():
        raise UsageProblem(f"{path}: no such file")
    base = args.server.rstrip("/")
    headers = {"Authorization": f"Bearer {args.token.strip()}"}
    try:
        with path.open("rb") as handle:
            answer = requests.post(
                f"{base}/api/v1/submissions",
                headers=headers,
                files={"notebook": (path.name, handle, "application/x-ipynb+json")},
                data={"assignment": args.assignment},
                timeout=60,
            )
    except requests.RequestException as exc:
        raise UsageProblem(f"{base}: cannot reach the server ({exc})") from None
    body = _json(answer)
    if answer.status_code != 202:
        err_console.print(
            f"grader submit: {answer.status_code}: {body.get('error', answer.text[:200])}",
            markup=False,
        )
        return 2 if answer.status_code in (400, 401, 403, 404, 413, 422, 429) else EXIT_FAILED
    console.print(f"submitted: {body['id']} (queued)", markup=False)
    if not args.wait:
        return EXIT_OK
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        view = _json(
            requests.get(f"{base}/api/v1/submissions/{body['id']}", headers=headers, timeout=30)
        )
        if view.get("status") in ("graded", "not-graded"):
            if view["status"] == "graded":
                console.print(f"graded: {view['score']:g} / {view['max_score']:g}", markup=False)
                if view.get("late_days"):
                    console.print(
                        f"late by {view['late_days']} day(s): {view['score_after_penalty']:g} counts",
                        markup=False,
                    )
            else:
                console.print(f"not graded: {view.get('error')}", markup=False)
            return EXIT_OK
        time.sleep(0.3)
    err_console.print(
        f"grader submit: not graded within {args.timeout:g} s; it stays queued", markup=False
    )
    return EXIT_FAILED


def _json(answer: Any) -> dict[str, Any]:
    try:
        value = answer.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the submission server (students submit, get feedback in seconds)",
        description=(
            "Serve ASSIGNMENT(s): students sign in with their token, upload notebooks (web page "
            "or API) and read their feedback seconds later; instructors watch the class report "
            "and download grades. Submissions queue in the gradebook (--db) and are graded by "
            "warm workers. See docs/serve.md.\n"
            "  grader serve tokens --roster roster.csv --db course.sqlite --out tokens.csv --instructor ana\n"
            "  grader serve --assignment preliminaries-core --db course.sqlite --course course.toml"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--assignment", action="append", help="an assignment to serve (repeat for more)"
    )
    serve.add_argument("--db", help="the gradebook (SQLite): queue, tokens, results")
    serve.add_argument("--roster", help="the class roster CSV (`student` column)")
    serve.add_argument("--course", help="course.toml: deadlines, late policy, caps, visibility")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="warm grader processes (default 2)")
    serve.add_argument(
        "--max-upload-mb", type=float, default=5.0, help="largest notebook accepted (default 5)"
    )
    serve.add_argument(
        "--secure-cookies",
        action="store_true",
        help="send the session cookie over HTTPS only (set it behind a TLS proxy)",
    )
    add_secret_argument(serve)
    add_limit_arguments(serve)
    actions = serve.add_subparsers(dest="serve_action", metavar="ACTION")
    tokens = actions.add_parser(
        "tokens", help="issue sign-in tokens for a roster (and instructors)"
    )
    tokens.add_argument("--roster", dest="roster", help="the class roster CSV (`student` column)")
    tokens.add_argument("--db", dest="db", help="the server's gradebook")
    tokens.add_argument(
        "--out", required=True, help="tokens.csv to append the new tokens to (mode 0600)"
    )
    tokens.add_argument(
        "--instructor", action="append", metavar="NAME", help="issue an instructor token"
    )
    tokens.add_argument(
        "--rotate", action="store_true", help="replace existing tokens (the old ones stop working)"
    )
    serve.set_defaults(handler=cmd_serve)

    submit = subparsers.add_parser(
        "submit",
        help="submit a notebook to a course server",
        description="Upload NB.ipynb to the course server; with --wait, print the score when graded.\n"
        "Example: grader submit hw.ipynb --assignment preliminaries-core --server https://grader.example.edu --token TOKEN --wait",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    submit.add_argument("notebook", metavar="NB.ipynb")
    submit.add_argument("--assignment", required=True)
    submit.add_argument(
        "--server", required=True, help="the server's address, e.g. http://127.0.0.1:8000"
    )
    submit.add_argument("--token", required=True, help="your token (from your instructor)")
    submit.add_argument("--wait", action="store_true", help="wait for the grade and print it")
    submit.add_argument(
        "--timeout", type=float, default=300.0, help="how long --wait waits (default 300 s)"
    )
    submit.set_defaults(handler=cmd_submit)
