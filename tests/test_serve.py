"""The submission server, started for real (`grader serve` on 127.0.0.1, a free port): the API,
the pages in headless Chromium, caps, CSRF, other students' ids, and a SIGKILL mid-queue.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests

from .conftest import ROOT

pytestmark = pytest.mark.slow

GRADER = str(Path(sys.executable).with_name("grader"))
CORE = "preliminaries-core"
SOLUTION = ROOT / "solutions" / f"{CORE}.ipynb"
TEMPLATE = ROOT / "student_templates" / f"{CORE}.en.ipynb"
COURSE = """
[assignments.probability]
daily_cap = 2
before_deadline = "score"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningServer:
    def __init__(self, work: Path, port: int) -> None:
        self.work, self.port = work, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = (work / f"server-{port}.log").open("w")
        self.process = subprocess.Popen(
            [
                GRADER,
                "serve",
                "--assignment",
                CORE,
                "--assignment",
                "probability",
                "--db",
                str(work / "course.sqlite"),
                "--course",
                str(work / "course.toml"),
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url, timeout=1)
                return
            except requests.ConnectionError:
                assert self.process.poll() is None, (work / f"server-{port}.log").read_text()
                time.sleep(0.2)
        raise AssertionError("the server did not start within 60 s")

    def kill(self) -> None:
        """SIGKILL the server and its workers, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    (work / "roster.csv").write_text("student,name\nada,Ada\nbo,Bo\n")
    (work / "course.toml").write_text(COURSE)
    done = subprocess.run(
        [GRADER, "serve", "tokens", "--roster", str(work / "roster.csv"), "--db",
         str(work / "course.sqlite"), "--out", str(work / "tokens.csv"), "--instructor", "ana"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (work / "tokens.csv").open() as handle:
        tokens = {row["student"]: row["token"] for row in csv.DictReader(handle)}
    server = RunningServer(work, free_port())
    yield {"work": work, "tokens": tokens, "server": server, "url": server.url}
    server.stop()


def submit(url: str, token: str | None, path: Path, assignment: str = CORE) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with path.open("rb") as handle:
        return requests.post(
            f"{url}/api/v1/submissions",
            headers=headers,
            files={"notebook": (path.name, handle)},
            data={"assignment": assignment},
            timeout=30,
        )


def wait_graded(url: str, token: str, submission: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = requests.get(
            f"{url}/api/v1/submissions/{submission}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        if view["status"] in ("graded", "not-graded"):
            return view
        time.sleep(0.1)
    raise AssertionError(f"{submission} not graded within {timeout} s")


def test_tokens_are_random_and_only_their_hashes_are_stored(course):
    tokens = course["tokens"]
    assert set(tokens) == {"ada", "bo", "ana"} and len(set(tokens.values())) == 3
    assert all(len(t) >= 32 for t in tokens.values())  # 192 bits, url-safe base64
    db = sqlite3.connect(course["work"] / "course.sqlite")
    stored = " ".join(str(v) for row in db.execute("SELECT * FROM server_tokens") for v in row)
    assert not any(token in stored for token in tokens.values())
    assert (course["work"] / "tokens.csv").stat().st_mode & 0o077 == 0


def test_a_correct_and_a_wrong_notebook_are_graded_in_seconds(course):
    url, ada = course["url"], course["tokens"]["ada"]
    started = time.monotonic()
    answer = submit(url, ada, SOLUTION)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    view = wait_graded(url, ada, answer.json()["id"])
    assert time.monotonic() - started < 20
    assert view["status"] == "graded" and view["score"] == view["max_score"] > 0
    assert view["student"] == "ada" and view["result"]["assignment"] == CORE
    wrong = wait_graded(url, ada, submit(url, ada, TEMPLATE).json()["id"])
    assert wrong["score"] < wrong["max_score"]
    # before the deadline (there is none) students see check names, not hidden messages
    checks = [c for q in wrong["result"]["questions"] for c in q["checks"]]
    assert any(c["visibility"] == "hidden" for c in checks)
    assert all(c["message"] == "" for c in checks if c["visibility"] == "hidden")


def test_bad_requests_get_their_status_and_queue_nothing(course, tmp_path):
    url, ada = course["url"], course["tokens"]["ada"]
    broken = tmp_path / "broken.ipynb"
    broken.write_text("not a notebook")
    assert submit(url, None, SOLUTION).status_code == 401
    assert submit(url, "not-a-token", SOLUTION).status_code == 401
    assert submit(url, ada, SOLUTION, "no-such-assignment").status_code == 404
    refused = submit(url, ada, broken)
    assert refused.status_code == 422 and "not a notebook" in refused.json()["error"]
    big = tmp_path / "big.ipynb"
    big.write_bytes(b" " * (6 * 1024 * 1024))
    assert submit(url, ada, big).status_code == 413
    db = sqlite3.connect(course["work"] / "course.sqlite")
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (broken, big)]
    queued = db.execute(
        "SELECT COUNT(*) FROM server_submissions WHERE sha256 IN (?, ?)", digests
    ).fetchone()[0]
    assert queued == 0


def test_a_hostile_notebook_is_graded_and_the_server_carries_on(course, tmp_path):
    url, bo = course["url"], course["tokens"]["bo"]
    hostile = nbformat.read(SOLUTION, as_version=4)
    hostile.cells.insert(
        1,
        nbformat.v4.new_code_cell(
            "import os, threading\n"
            "open('/tmp/escape', 'w').write('x')\n"
            "threading.Thread(target=lambda: os._exit(3)).start()"
        ),
    )
    path = tmp_path / "hostile.ipynb"
    nbformat.write(hostile, path)
    view = wait_graded(url, bo, submit(url, bo, path).json()["id"])
    assert view["status"] in ("graded", "not-graded")
    after = wait_graded(url, bo, submit(url, bo, SOLUTION).json()["id"])
    assert after["score"] == after["max_score"]


def test_a_student_reads_only_their_own_submissions(course):
    url, tokens = course["url"], course["tokens"]
    mine = submit(url, tokens["ada"], SOLUTION).json()["id"]
    theirs = requests.get(
        f"{url}/api/v1/submissions/{mine}",
        headers={"Authorization": f"Bearer {tokens['bo']}"},
        timeout=10,
    )
    assert theirs.status_code == 404
    missing = requests.get(
        f"{url}/api/v1/submissions/nope",
        headers={"Authorization": f"Bearer {tokens['bo']}"},
        timeout=10,
    )
    assert missing.status_code == 404 and missing.json() == theirs.json()
    instructor = wait_graded(url, tokens["ana"], mine)
    assert instructor["student"] == "ada" and instructor["visibility"] == "full"


def test_the_daily_cap_answers_429_with_retry_after(course):
    url, bo = course["url"], course["tokens"]["bo"]
    template = ROOT / "student_templates" / "probability.en.ipynb"
    first = [submit(url, bo, template, "probability") for _ in range(2)]
    assert [a.status_code for a in first] == [202, 202]
    capped = submit(url, bo, template, "probability")
    assert capped.status_code == 429 and int(capped.headers["Retry-After"]) > 0
    rows = requests.get(
        f"{url}/api/v1/assignments", headers={"Authorization": f"Bearer {bo}"}, timeout=10
    ).json()["assignments"]
    assert {r["assignment"]: r["submissions_left_today"] for r in rows}["probability"] == 0
    # course.toml: probability shows scores only before its deadline
    view = wait_graded(url, bo, first[0].json()["id"])
    assert all(q["checks"] == [] for q in view["result"]["questions"])


def test_pages_sign_in_upload_and_show_feedback_in_chromium(course, chromium, bank, tmp_path):
    from selenium.webdriver.common.by import By

    url = course["url"]
    chromium.get(url + "/?lang=en")
    chromium.find_element(By.ID, "token").send_keys(course["tokens"]["ada"])
    chromium.find_element(By.ID, "sign-in").click()
    deadline = time.monotonic() + 30
    while "/assignments" not in chromium.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Assignments" in chromium.find_element(By.TAG_NAME, "h1").text
    chromium.find_element(By.ID, f"file-{CORE}").send_keys(str(TEMPLATE))
    chromium.find_element(By.ID, f"submit-{CORE}").click()
    deadline = time.monotonic() + 30  # the click returns before the next page has loaded
    while "/submissions/" not in chromium.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    page = chromium.current_url
    assert "/submissions/" in page, chromium.find_element(By.TAG_NAME, "body").text[:500]
    # the waiting page refreshes itself (no script) until graded; here the API says when
    wait_graded(url, course["tokens"]["ada"], page.rsplit("/", 1)[1])
    chromium.get(page)
    first = bank.assignment_questions(CORE)[0]
    assert first.title["en"] in chromium.find_element(By.TAG_NAME, "body").text
    chromium.save_screenshot(str(tmp_path / "feedback.png"))
    chromium.get(url + "/assignments")
    assert len(chromium.find_elements(By.CSS_SELECTOR, "#history tr")) > 1


def test_forms_without_the_csrf_token_are_refused(course):
    url = course["url"]
    session = requests.Session()
    session.get(url, timeout=10)  # a session cookie, but no form
    signed_in = session.post(
        f"{url}/signin", data={"token": course["tokens"]["ada"], "csrf": "forged"}, timeout=10
    )
    assert signed_in.status_code == 403
    with SOLUTION.open("rb") as handle:
        upload = session.post(
            f"{url}/upload",
            files={"notebook": ("x.ipynb", handle)},
            data={"assignment": CORE, "csrf": "forged"},
            timeout=10,
            allow_redirects=False,
        )
    assert upload.status_code in (303, 403)  # not signed in, or refused: never accepted
    cookie = session.cookies.get("grader_session")
    assert cookie
    raw = requests.get(url, timeout=10).headers["set-cookie"].lower()
    assert "httponly" in raw and "samesite=strict" in raw
    headers = requests.get(url, timeout=10).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_sigkill_mid_queue_loses_nothing_and_grades_each_once(tmp_path):
    work = tmp_path
    (work / "roster.csv").write_text("student\nada\n")
    (work / "course.toml").write_text(COURSE)
    subprocess.run(
        [GRADER, "serve", "tokens", "--roster", str(work / "roster.csv"), "--db",
         str(work / "course.sqlite"), "--out", str(work / "tokens.csv")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    token = (work / "tokens.csv").read_text().splitlines()[1].split(",")[1]
    server = RunningServer(work, free_port())
    accepted = [submit(server.url, token, SOLUTION).json()["id"] for _ in range(6)]
    server.kill()  # mid-queue: some graded, one grading, the rest queued
    db = sqlite3.connect(work / "course.sqlite")
    before = dict(db.execute("SELECT id, status FROM server_submissions"))
    assert set(before) == set(accepted)  # every 202 was on disk
    restarted = RunningServer(work, free_port())
    try:
        views = [wait_graded(restarted.url, token, sid) for sid in accepted]
    finally:
        restarted.stop()
    assert all(v["status"] == "graded" and v["score"] == v["max_score"] for v in views)
    runs = dict(db.execute("SELECT submission, COUNT(*) FROM server_results GROUP BY submission"))
    assert runs == {sid: 1 for sid in accepted}  # exactly once
    assert "interrupted" in (work / f"server-{restarted.port}.log").read_text() or all(
        status in ("graded", "queued") for status in before.values()
    )


def test_submit_client_waits_for_the_grade(course):
    done = subprocess.run(
        [GRADER, "submit", str(SOLUTION), "--assignment", CORE, "--server", course["url"],
         "--token", course["tokens"]["ada"], "--wait"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "graded:" in done.stdout
    bad = subprocess.run(
        [GRADER, "submit", str(SOLUTION), "--assignment", CORE, "--server", course["url"],
         "--token", "wrong"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "401" in bad.stderr


def test_instructor_pages_report_downloads_and_regrade(course):
    url, tokens = course["url"], course["tokens"]
    session = requests.Session()
    page = session.get(url, timeout=10).text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    assert session.post(
        f"{url}/signin", data={"token": tokens["ana"], "csrf": csrf}, timeout=10
    ).url.endswith("/instructor")
    report = session.get(f"{url}/instructor/report/{CORE}", timeout=60)
    assert report.status_code == 200 and "data:image/svg" in report.text
    grades = session.get(f"{url}/instructor/download/{CORE}/csv", timeout=30)
    assert grades.status_code == 200 and "ada" in grades.text
    assert session.get(f"{url}/instructor/download/{CORE}/json", timeout=30).json()
    student = requests.Session()
    page = student.get(url, timeout=10).text
    token = page.split('name="csrf" value="')[1].split('"')[0]
    student.post(f"{url}/signin", data={"token": tokens["bo"], "csrf": token}, timeout=10)
    assert student.get(f"{url}/instructor", timeout=10).status_code == 404
    db = sqlite3.connect(course["work"] / "course.sqlite")
    before = db.execute("SELECT COUNT(*) FROM server_results").fetchone()[0]
    graded = db.execute(
        "SELECT COUNT(*) FROM server_submissions WHERE assignment = ? AND status = 'graded'",
        (CORE,),
    ).fetchone()[0]
    page = session.get(f"{url}/instructor", timeout=10).text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    session.post(f"{url}/instructor/regrade", data={"assignment": CORE, "csrf": csrf}, timeout=10)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pending = db.execute(
            "SELECT COUNT(*) FROM server_submissions WHERE status IN ('queued', 'grading')"
        ).fetchone()[0]
        if pending == 0:
            break
        time.sleep(0.3)
    after = db.execute("SELECT COUNT(*) FROM server_results").fetchone()[0]
    assert after >= before + graded  # a new result per submission; the old ones stay


def test_course_policy_deadlines_penalties_cutoff_and_visibility(tmp_path):
    import datetime as dt

    from grader.serve.course import CourseProblem, load_course

    path = tmp_path / "course.toml"
    path.write_text(
        "[assignments.preliminaries-core]\n"
        'deadline = "2026-12-20T23:59:00+08:00"\n'
        'late_penalty_per_day = 0.1\ncutoff_days = 3\ndaily_cap = 4\ncounts = "best"\n'
        'before_deadline = "score"\nafter_deadline = "full"\nextensions = { ada = 2 }\n'
    )
    policy = load_course(path, [CORE]).policy(CORE)
    due = policy.due("bo", {}, CORE)
    assert due == dt.datetime(2026, 12, 20, 15, 59, tzinfo=dt.UTC)
    assert policy.due("ada", {}, CORE) == due + dt.timedelta(days=2)
    assert policy.due("bo", {("bo", CORE): 1.0}, CORE) == due + dt.timedelta(days=1)
    assert policy.late_days(due, due) == 0
    assert policy.late_days(due, due + dt.timedelta(minutes=1)) == 1  # a minute late is a day
    assert policy.late_days(due, due + dt.timedelta(days=1, hours=1)) == 2
    assert policy.penalized(10.0, 2) == 8.0 and policy.penalized(10.0, 20) == 0.0
    assert not policy.closed(due, due + dt.timedelta(days=3))
    assert policy.closed(due, due + dt.timedelta(days=3, seconds=1))
    assert policy.visibility(due, due - dt.timedelta(hours=1)) == "score"
    assert policy.visibility(due, due + dt.timedelta(hours=1)) == "full"
    assert load_course(None, [CORE]).policy(CORE).daily_cap == 10  # the defaults
    for bad in ('deadline = "tomorrow"', 'deadline = "2026-12-20T23:59:00"', 'counts = "first"',
                "daily_cap = 0", "colour = 1"):  # fmt: skip
        path.write_text(f"[assignments.preliminaries-core]\n{bad}\n")
        with pytest.raises(CourseProblem):
            load_course(path, [CORE])
    path.write_text("[assignments.other]\ndaily_cap = 1\n")
    with pytest.raises(CourseProblem, match="not served"):
        load_course(path, [CORE])
