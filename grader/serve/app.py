"""The submission server's web application (Starlette): the JSON API and the pages.

Requests never run student code: an upload is parsed as a notebook (a 422 when it is not one,
with `grader grade`'s own reason), committed to the gradebook's queue, and answered 202; the
grading loop (grading.py) grades it in the warm pool. Who is asking comes from a token: the
`Authorization: Bearer` header for the API, a signed session cookie for the pages (signed in
with the same token). A student reads only their own submissions: any other id is 404.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..bank.model import Bank
from ..gradebook.server_store import Identity, ServerStore, Submission, token_hash
from ..submission import NotebookProblem, parse_submission
from .course import Course, Policy
from .grading import GradingLoop
from .visibility import visible_result

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_MAX_UPLOAD = 5 * 1024 * 1024
SECURITY_HEADERS = {
    # The pages are server-rendered and run no script (the feedback page's clock falls back
    # to UTC); styles are inline; plots are data: URIs.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
WORDS = {
    "en": {
        "title": "Submissions",
        "sign_in": "Sign in",
        "token": "Your token",
        "sign_out": "Sign out",
        "assignments": "Assignments",
        "assignment": "Assignment",
        "waiting_count": "Waiting to be graded",
        "deadline": "Deadline",
        "none": "none",
        "left": "Submissions left today",
        "counting": "Counting score",
        "upload": "Submit a notebook",
        "send": "Submit",
        "history": "History",
        "status": "Status",
        "submitted": "Submitted",
        "score": "Score",
        "late": "Days late",
        "open": "open",
        "queued": "queued",
        "grading": "grading",
        "graded": "graded",
        "not-graded": "not graded",
        "waiting": "Grading… this page refreshes by itself.",
        "instructor": "Instructor",
        "bad_token": "That token is not valid.",
        "student": "Student",
        "extension": "Grant an extension (days)",
        "regrade": "Regrade every submission",
        "report": "Class report",
        "downloads": "Downloads",
        "language": "中文",
        "other_lang": "zh",
    },
    "zh": {
        "title": "提交作业",
        "sign_in": "登录",
        "token": "你的令牌",
        "sign_out": "退出",
        "assignments": "作业",
        "assignment": "作业",
        "waiting_count": "等待评分",
        "deadline": "截止时间",
        "none": "无",
        "left": "今天还可提交",
        "counting": "计分成绩",
        "upload": "提交笔记本",
        "send": "提交",
        "history": "提交记录",
        "status": "状态",
        "submitted": "提交时间",
        "score": "得分",
        "late": "迟交天数",
        "open": "查看",
        "queued": "排队中",
        "grading": "评分中",
        "graded": "已评分",
        "not-graded": "无法评分",
        "waiting": "正在评分……本页会自动刷新。",
        "instructor": "教师",
        "bad_token": "这个令牌无效。",
        "student": "学生",
        "extension": "给学生延期（天）",
        "regrade": "重新评分全部提交",
        "report": "全班报告",
        "downloads": "下载",
        "language": "English",
        "other_lang": "en",
    },
}


@dataclass
class ServerConfig:
    bank: Bank
    db: Path
    assignments: list[str]
    course: Course = field(default_factory=Course)
    max_upload: int = DEFAULT_MAX_UPLOAD
    secure_cookies: bool = False  # behind TLS: cookies only over HTTPS


class Server:
    """The state the handlers share: a store per thread, the grading loop, the templates."""

    def __init__(self, config: ServerConfig, loop: GradingLoop | None) -> None:
        self.config = config
        self.loop = loop
        self._local = threading.local()
        self.pages = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "j2"], default=True),
        )

    def store(self) -> ServerStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = ServerStore(self.config.db)
        return store

    def policy(self, assignment: str) -> Policy:
        return self.config.course.policy(assignment)

    def due(self, student: str, assignment: str) -> dt.datetime | None:
        return self.policy(assignment).due(student, self.store().extensions(), assignment)

    # -- what a student sees -----------------------------------------------------------------

    def submission_view(self, sub: Submission, viewer: Identity) -> dict[str, Any]:
        policy = self.policy(sub.assignment)
        level = (
            "full"
            if viewer.instructor
            else policy.visibility(self.due(sub.student, sub.assignment), now())
        )
        result = visible_result(sub.result, level) if sub.result else None
        return {
            "id": sub.id,
            "student": sub.student,
            "assignment": sub.assignment,
            "status": sub.status,
            "submitted_at": sub.submitted_at,
            "late_days": sub.late_days,
            "score": sub.score,
            "max_score": sub.max_score,
            "score_after_penalty": policy.penalized(sub.score, sub.late_days)
            if sub.score is not None
            else None,
            "visibility": level,
            "error": sub.error,
            "result": result,
        }

    def assignment_rows(self, student: str) -> list[dict[str, Any]]:
        store = self.store()
        rows = []
        for name in self.config.assignments:
            policy = self.policy(name)
            due = self.due(student, name)
            done = [s for s in store.history(student, name) if s.result is not None]
            scores = [policy.penalized(s.score or 0.0, s.late_days) for s in done]
            counting = (
                (max(scores) if policy.counts == "best" else scores[0]) if scores else None
            )  # history is newest first
            rows.append(
                {
                    "assignment": name,
                    "title": self.config.bank.assignments[name].title,
                    "deadline": due.isoformat() if due else None,
                    "submissions_left_today": max(
                        0, policy.daily_cap - store.submissions_today(student, name)
                    ),
                    "counting_score": counting,
                    "max_score": done[0].max_score if done else None,
                    "counts": policy.counts,
                }
            )
        return rows

    # -- accepting an upload -----------------------------------------------------------------

    def accept(
        self, who: Identity, assignment: str, data: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(HTTP status, body, headers) for an upload; a 202 is committed before it returns."""
        if assignment not in self.config.assignments:
            return 404, {"error": f"unknown assignment {assignment!r}"}, {}
        if self.loop is not None and not self.loop.alive:
            # the workers could not start (or died): say so rather than queue for nobody
            reason = getattr(self.loop, "failure", None) or "the grading workers stopped"
            return 503, {"error": f"grading is down ({reason}); tell your instructor"}, {}
        if len(data) > self.config.max_upload:
            return 413, {"error": f"the notebook is larger than {self.config.max_upload} bytes"}, {}
        try:
            parse_submission(data, Path("submission.ipynb"))
        except NotebookProblem as exc:
            return 422, {"error": str(exc)}, {}
        policy = self.policy(assignment)
        store = self.store()
        due = self.due(who.student, assignment)
        if policy.closed(due, now()):
            return (
                403,
                {"error": f"{assignment} closed {policy.cutoff_days:g} day(s) after its deadline"},
                {},
            )
        submission_id = store.enqueue(
            who.student, assignment, data, policy.late_days(due, now()), policy.daily_cap
        )
        if submission_id is None:
            tomorrow = (now() + dt.timedelta(days=1)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            wait = max(1, int((tomorrow - now()).total_seconds()))
            return (
                429,
                {
                    "error": f"{policy.daily_cap} submissions a day for {assignment}; "
                    "try again tomorrow (UTC)"
                },
                {"Retry-After": str(wait)},
            )
        if self.loop is not None:
            self.loop.wake()
        return 202, {"id": submission_id, "status": "queued"}, {}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- the application ---------------------------------------------------------------------------


def build_app(server: Server) -> Starlette:
    async def identify_bearer(request: Request) -> Identity | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return await run_in_threadpool(lambda: server.store().identify(token.strip()))

    def session_identity(request: Request) -> Identity | None:
        digest = request.session.get("token")
        if not isinstance(digest, str):
            return None
        return server.store().identify_digest(digest)

    def lang_of(request: Request) -> str:
        wanted = request.query_params.get("lang")
        if wanted in WORDS:
            request.session["lang"] = wanted
        lang = request.session.get("lang")
        return lang if lang in WORDS else "zh"

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = request.session["csrf"] = secrets.token_urlsafe(24)
        return token

    async def form_with_csrf(request: Request) -> Any:
        try:
            form = await request.form(
                max_files=1, max_fields=10, max_part_size=server.config.max_upload
            )
        except MultiPartException as exc:
            raise HTTPException(413 if "size" in str(exc).lower() else 400, str(exc)) from None
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
            raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")
        return form

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        html = server.pages.get_template(name).render(
            w=WORDS[lang], lang=lang, csrf=csrf_token(request), **context
        )
        return HTMLResponse(html, status_code=status)

    # -- API -------------------------------------------------------------------------------

    async def api_submit(request: Request) -> Response:
        who = await identify_bearer(request)
        if who is None:
            return JSONResponse({"error": "no or bad token"}, 401, {"WWW-Authenticate": "Bearer"})
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > server.config.max_upload + 64 * 1024:
            return JSONResponse(
                {"error": f"the upload is larger than {server.config.max_upload} bytes"}, 413
            )
        try:
            form = await request.form(
                max_files=1, max_fields=5, max_part_size=server.config.max_upload
            )
        except MultiPartException as exc:
            return JSONResponse(
                {"error": f"the upload is not a usable form: {exc}"},
                413 if "size" in str(exc).lower() else 400,
            )
        notebook, assignment = form.get("notebook"), form.get("assignment")
        if not isinstance(notebook, UploadFile) or not isinstance(assignment, str):
            return JSONResponse(
                {"error": "send the fields `notebook` (a file) and `assignment`"}, 400
            )
        data = await notebook.read(server.config.max_upload + 1)
        status, body, headers = await run_in_threadpool(server.accept, who, assignment, data)
        return JSONResponse(body, status, headers)

    async def api_submission(request: Request) -> Response:
        who = await identify_bearer(request)
        if who is None:
            return JSONResponse({"error": "no or bad token"}, 401, {"WWW-Authenticate": "Bearer"})
        sub = await run_in_threadpool(lambda: server.store().submission(request.path_params["id"]))
        if sub is None or (sub.student != who.student and not who.instructor):
            return JSONResponse({"error": "no such submission"}, 404)
        return JSONResponse(await run_in_threadpool(server.submission_view, sub, who))

    async def api_assignments(request: Request) -> Response:
        who = await identify_bearer(request)
        if who is None:
            return JSONResponse({"error": "no or bad token"}, 401, {"WWW-Authenticate": "Bearer"})
        return JSONResponse(
            {"assignments": await run_in_threadpool(server.assignment_rows, who.student)}
        )

    # -- pages -----------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        who = session_identity(request)
        if who is None:
            return page(request, "signin.html.j2")
        return RedirectResponse("/instructor" if who.instructor else "/assignments", 303)

    async def sign_in(request: Request) -> Response:
        form = await form_with_csrf(request)
        token = str(form.get("token") or "").strip()
        who = await run_in_threadpool(lambda: server.store().identify(token))
        if who is None:
            return page(request, "signin.html.j2", 401, error=True)
        lang = request.session.get("lang")
        request.session.clear()  # a new session (and CSRF token) for the signed-in user
        request.session["token"] = token_hash(token)
        if lang in WORDS:
            request.session["lang"] = lang
        return RedirectResponse("/", 303)

    async def sign_out(request: Request) -> Response:
        await form_with_csrf(request)
        request.session.clear()
        return RedirectResponse("/", 303)

    def require(request: Request, instructor: bool = False) -> Identity:
        who = session_identity(request)
        if who is None:
            raise HTTPException(303, headers={"Location": "/"})
        if instructor and not who.instructor:
            raise HTTPException(404)
        return who

    async def assignments_page(request: Request) -> Response:
        who = require(request)
        rows = await run_in_threadpool(server.assignment_rows, who.student)
        history = await run_in_threadpool(lambda: server.store().history(who.student))
        return page(request, "assignments.html.j2", who=who, rows=rows, history=history)

    async def upload_page(request: Request) -> Response:
        who = require(request)
        form = await form_with_csrf(request)
        notebook, assignment = form.get("notebook"), form.get("assignment")
        if not isinstance(notebook, UploadFile) or not isinstance(assignment, str):
            raise HTTPException(400, "choose a notebook file")
        data = await notebook.read(server.config.max_upload + 1)
        status, body, _ = await run_in_threadpool(server.accept, who, assignment, data)
        if status != 202:
            rows = await run_in_threadpool(server.assignment_rows, who.student)
            history = await run_in_threadpool(lambda: server.store().history(who.student))
            return page(
                request,
                "assignments.html.j2",
                status,
                who=who,
                rows=rows,
                history=history,
                error=body["error"],
            )
        return RedirectResponse(f"/submissions/{body['id']}", 303)

    async def submission_page(request: Request) -> Response:
        who = require(request)
        sub = await run_in_threadpool(lambda: server.store().submission(request.path_params["id"]))
        if sub is None or (sub.student != who.student and not who.instructor):
            raise HTTPException(404)
        if sub.status in ("queued", "grading"):
            return page(request, "waiting.html.j2", who=who, sub=sub)
        from ..reports.feedback import build_feedback, render_html

        view = await run_in_threadpool(server.submission_view, sub, who)
        feedback = build_feedback(
            sub.student,
            view["result"],
            server.config.bank,
            lang_of(request),
            assignment=sub.assignment,
            error=sub.error,
        )
        return HTMLResponse(render_html(feedback))

    async def instructor_page(request: Request) -> Response:
        who = require(request, instructor=True)
        history = await run_in_threadpool(lambda: server.store().history(None))
        return page(
            request,
            "instructor.html.j2",
            who=who,
            history=history,
            assignments=server.config.assignments,
            pending=server.store().pending(),
        )

    async def class_report(request: Request) -> Response:
        require(request, instructor=True)
        assignment = request.path_params["assignment"]
        if assignment not in server.config.assignments:
            raise HTTPException(404)
        from ..reports.classreport import class_report_html

        def build() -> str:
            stored = server.store().results(assignment, counting_only=True)
            graded = [(s.student, s.result) for s in stored if s.result is not None]
            ungradable = [(s.student, s.error or "") for s in stored if s.result is None]
            return class_report_html(graded, server.config.bank, assignment, ungradable=ungradable)

        return HTMLResponse(await run_in_threadpool(build))

    async def download(request: Request) -> Response:
        require(request, instructor=True)
        assignment, kind = request.path_params["assignment"], request.path_params["kind"]
        if assignment not in server.config.assignments or kind not in ("csv", "json"):
            raise HTTPException(404)

        def build() -> tuple[bytes, str, str]:
            import tempfile

            from ..exports.csvfile import write_csv
            from ..exports.jsonfile import write_json

            stored = server.store().results(assignment, counting_only=True)
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "export"
                if kind == "csv":
                    write_csv(stored, out)
                    return out.read_bytes(), "text/csv", f"{assignment}.csv"
                write_json(stored, out)
                return out.read_bytes(), "application/json", f"{assignment}.json"

        data, media, name = await run_in_threadpool(build)
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def extension(request: Request) -> Response:
        require(request, instructor=True)
        form = await form_with_csrf(request)
        student, assignment = str(form.get("student") or ""), str(form.get("assignment") or "")
        try:
            days = float(str(form.get("days") or ""))
        except ValueError:
            raise HTTPException(400, "days must be a number") from None
        if assignment not in server.config.assignments or not student or not 0 <= days <= 365:
            raise HTTPException(400, "give a student, a served assignment and 0–365 days")
        await run_in_threadpool(lambda: server.store().set_extension(student, assignment, days))
        return RedirectResponse("/instructor", 303)

    async def regrade(request: Request) -> Response:
        require(request, instructor=True)
        form = await form_with_csrf(request)
        assignment = str(form.get("assignment") or "")
        if assignment not in server.config.assignments:
            raise HTTPException(400, "unknown assignment")
        await run_in_threadpool(lambda: server.store().regrade(assignment))
        if server.loop is not None:
            server.loop.wake()
        return RedirectResponse("/instructor", 303)

    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 303 and exc.headers:
            return RedirectResponse(exc.headers["Location"], 303)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, exc.status_code)
        text = exc.detail if exc.status_code != 404 else "not found"
        return HTMLResponse(
            f"<!doctype html><title>{exc.status_code}</title><p>{_escape(str(text))}</p>",
            exc.status_code,
        )

    routes = [
        Route("/api/v1/submissions", api_submit, methods=["POST"]),
        Route("/api/v1/submissions/{id}", api_submission, methods=["GET"]),
        Route("/api/v1/assignments", api_assignments, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/signin", sign_in, methods=["POST"]),
        Route("/signout", sign_out, methods=["POST"]),
        Route("/assignments", assignments_page, methods=["GET"]),
        Route("/upload", upload_page, methods=["POST"]),
        Route("/submissions/{id}", submission_page, methods=["GET"]),
        Route("/instructor", instructor_page, methods=["GET"]),
        Route("/instructor/report/{assignment}", class_report, methods=["GET"]),
        Route("/instructor/download/{assignment}/{kind}", download, methods=["GET"]),
        Route("/instructor/extensions", extension, methods=["POST"]),
        Route("/instructor/regrade", regrade, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=server.store().session_key(),
                session_cookie="grader_session",
                same_site="strict",
                https_only=server.config.secure_cookies,
                max_age=14 * 24 * 3600,
            )
        ],
        exception_handlers={HTTPException: on_http_error},
    )

    async def with_headers(scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers if scope["type"] == "http" else send)

    return with_headers  # type: ignore[return-value]


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
