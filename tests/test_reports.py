"""Reports: feedback pages and the class report, their content, escaping, the CLI wiring, and
both pages rendered by headless Chromium."""

from __future__ import annotations

import ast
import copy
import html
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from grader.cli import main
from grader.grade import validate_result
from grader.reports.classreport import build_class_report, class_report_html, render_class_html
from grader.reports.commands import safe_file_stem
from grader.reports.feedback import (
    build_feedback,
    feedback_html,
    feedback_markdown,
    md_code_block,
    md_escape,
    render_html,
)
from grader.resultview import failure_groups

from .conftest import ROOT
from .nbutil import SOLUTION, solution_with

CORE = "preliminaries-core"
# Hostile text as it could come back from a student's process (an exception message).
HOSTILE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    " ``` # not a heading [link](javascript:window.__pwned=3) &amp;"
)


@pytest.fixture(scope="module")
def graded(grade, bank, tmp_path_factory):
    """student -> result: full marks, the blank template, and a mutant with a hostile cell error."""
    folder = tmp_path_factory.mktemp("reports")
    concat = bank.questions["concat"]
    wrong_order = next(m for m in concat.mutants if m.name == "default-dim")  # partly right
    mutant = solution_with(
        folder / "mutant.ipynb",
        {
            "concat": wrong_order.code,
            "grid": f"import torch\nraise ValueError({HOSTILE!r})",
        },
    )
    return {
        "alice": grade(SOLUTION),
        "bob": grade(ROOT / f"student_templates/{CORE}.en.ipynb"),
        "mallory<b>": grade(mutant),
    }


@pytest.fixture(scope="module")
def hostile_result(graded):
    """A schema-valid result whose check message, cell error and note are hostile."""
    result = copy.deepcopy(graded["alice"])
    question = next(q for q in result["questions"] if q["id"] == "broadcast")
    check = question["checks"][1]
    question["score"] -= check["score"]
    result["score"] -= check["score"]
    check.update(score=0.0, status="failed", message=HOSTILE)
    result["cells"].append(
        {"index": 40, "status": "error", "error": {"type": "RuntimeError", "message": HOSTILE}}
    )
    result["notes"] = [HOSTILE]
    validate_result(result)
    return result


# ---------------------------------------------------------------------------------------------
# feedback: content
# ---------------------------------------------------------------------------------------------


def test_feedback_shows_scores_failures_hints_and_cell_errors(graded, bank):
    result = graded["mallory<b>"]
    page = feedback_html("mallory<b>", result, bank, "en")
    concat = next(q for q in result["questions"] if q["id"] == "concat")
    assert 0 < concat["score"] < concat["max_score"]
    assert f"{concat['score']:g} / {concat['max_score']:g}" in page
    assert f"{result['score']:g} of {result['max_score']:g} points" in page
    # The default-dim mutant's add_features raises; the judge says so, and it is shown.
    failed_messages = [c["message"] for c in concat["checks"] if c["status"] in ("failed", "error")]
    assert any("raised RuntimeError" in m for m in failed_messages)
    # Each cause is shown once (its first message), with how many checks it covers.
    groups = failure_groups(concat["checks"], "en")
    assert sum(len(g.checks) for g in groups) == len(failed_messages)
    for group in groups:
        assert html.escape(group.message, quote=False) in page
        if len(group.checks) > 1:
            assert f"{len(group.checks)} checks fail this way" in page
    # The prompt's hint for concat, and the task again under a <details>.
    assert "<code>torch.cat</code>" in page
    assert bank.questions["concat"].title["en"] in page
    # The grid cell raised: listed with its number counted from 1 and its (escaped) message.
    cell = next(c for c in result["cells"] if c["status"] == "error")
    assert f"Cell {cell['index'] + 1}: error, ValueError" in page
    assert "All checks passed." in page  # the untouched questions
    # Once per question with an erroring check: grid (not defined) and concat (add_features raises).
    assert page.count("Your code raised an error on a check") == 2
    assert page.count("The hidden checks use other inputs") == 0  # no check merely failed


def test_full_marks_page_has_no_failures(graded, bank):
    page = feedback_html("alice", graded["alice"], bank, "en")
    assert page.count("All checks passed.") == len(graded["alice"]["questions"])
    assert "Not passed" not in page and "Cells that raised an error" not in page


def _bank_private_texts(bank) -> list[tuple[str, str, str]]:
    """Texts that describe hidden checks or give answers, as (question, mutant or "", text):
    mutant mistakes and hints and code, the `catches` list, the docstrings of hidden checks,
    and lines of the reference solutions."""
    texts = []
    for question in bank.assignment_questions(CORE):
        public = question.prompt["en"] + question.prompt["zh"] + question.starter
        for mutant in question.mutants:
            texts += [(question.id, mutant.name, mutant.mistake[lang]) for lang in ("en", "zh")]
            texts += [(question.id, mutant.name, mutant.hint[lang]) for lang in ("en", "zh")]
        texts += [(question.id, "", text) for text in question.catches]
        tree = ast.parse(question.checks_path.read_text(encoding="utf-8"))
        texts += [
            (question.id, "", ast.get_docstring(node))
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and ast.get_docstring(node)
        ]
        for line in question.solution().splitlines():
            line = line.strip()
            # Long lines that only the reference has (imports and starter lines are public).
            if len(line) > 20 and line not in public and not line.startswith(("#", "import")):
                texts.append((question.id, "", line))
    return [t for t in texts if t[2]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_feedback_never_shows_hidden_material(graded, bank, lang):
    """Only the mistake and hint of the known mistake an answer was diagnosed with appear."""
    private = _bank_private_texts(bank)
    assert len(private) > 50  # the list is real: mistakes, docstrings and solution lines
    diagnosed_any = False
    for student, result in graded.items():
        diagnosed = {
            (q["id"], q["diagnosis"]["mutant"]) for q in result["questions"] if q.get("diagnosis")
        }
        diagnosed_any |= bool(diagnosed)
        for page in (
            feedback_html(student, result, bank, lang),
            feedback_markdown(student, result, bank, lang),
        ):
            unescaped = html.unescape(page)
            leaked = [
                text
                for question, mutant, text in private
                if (text in page or text in unescaped) and (question, mutant) not in diagnosed
            ]
            assert leaked == [], f"{student} ({lang}) shows {leaked[:3]}"
    assert diagnosed_any  # the class holds diagnosed answers, so the exception above is tested


class _PreCollector(HTMLParser):
    """The text of every <pre class="message"> on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "pre" and ("class", "message") in attrs:
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def test_every_failure_text_on_the_page_is_a_message_from_the_result(graded, bank):
    """The page adds no check text of its own: only the judge's messages, which never hold a
    hidden expected value."""
    for student, result in graded.items():
        messages = {c["message"] for q in result["questions"] for c in q["checks"]}
        parser = _PreCollector()
        parser.feed(feedback_html(student, result, bank, "en"))
        assert all(block in messages for block in parser.blocks)
        if student != "alice":
            assert parser.blocks


def test_zh_and_en_pages(graded, bank):
    result = graded["mallory<b>"]
    zh = feedback_html("mallory<b>", result, bank, "zh")
    en = feedback_html("mallory<b>", result, bank, "en")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    assert "作业反馈" in zh and "未通过" in zh and "提示：" in zh and "单元格" in zh
    assert "Feedback" in en and "Not passed" in en and "Hint: " in en
    assert "作业反馈" not in en and "Not passed" not in zh
    assert bank.questions["concat"].title["zh"] in zh
    assert bank.questions["concat"].title["en"] in en
    assert bank.assignments[CORE].title["zh"] in feedback_markdown("x", result, bank, "zh")
    with pytest.raises(ValueError, match="unknown language"):
        feedback_html("x", result, bank, "fr")


def test_ungradable_submission_gets_a_page_with_the_reason(bank):
    for lang, heading in (("en", "could not be graded"), ("zh", "无法评分")):
        page = build_feedback("eve", None, bank, lang, assignment=CORE, error=HOSTILE)
        text = render_html(page)
        assert heading in text and "&lt;script&gt;" in text and "<script>" not in text


# ---------------------------------------------------------------------------------------------
# feedback: escaping
# ---------------------------------------------------------------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags


def test_html_escapes_student_text(hostile_result, bank):
    page = feedback_html("<b>mallory</b>", hostile_result, bank, "en")
    tags = _tags(page)
    # The one script is the page's own (it shows the time in the reader's time zone).
    assert [a.get("id") for t, a in tags if t == "script"] == ["local-time"]
    tags = [(t, a) for t, a in tags if a.get("id") != "local-time"]
    assert not [t for t, _ in tags if t in ("script", "img", "b")]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert not [a for _, a in tags if "javascript:" in a.get("href", "")]
    assert page.count(html.escape("<script>window.__pwned = 1</script>", quote=False)) == 3
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page


def test_markdown_keeps_student_text_literal(hostile_result, bank):
    text = feedback_markdown("<b>mal*lory*</b>", hostile_result, bank, "en")
    # Rendered as a permissive LMS would (raw HTML allowed), nothing the student wrote is markup.
    rendered = MarkdownIt("commonmark", {"html": True}).render(text)
    tags = _tags(rendered)
    assert not [t for t, _ in tags if t in ("script", "img", "b", "em", "a")]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in rendered
    assert "mal*lory*" in html.unescape(rendered)


def test_markdown_helpers():
    assert md_code_block("a ```` b").startswith("`````text\n")
    assert md_code_block("plain").startswith("```text\n")
    assert md_escape("a\n# b *c*") == r"a \# b \*c\*"


# ---------------------------------------------------------------------------------------------
# class report
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def class_entries(graded, hostile_result):
    return list(graded.items()) + [("trudy", hostile_result)]


@pytest.fixture(scope="module")
def class_report(class_entries, bank):
    """Built once: the plots take a few seconds on 2 cores."""
    return build_class_report(class_entries, bank, CORE, ungradable=[("<i>eve</i>", HOSTILE)])


@pytest.fixture(scope="module")
def class_page(class_report):
    return render_class_html(class_report)


def test_class_report_aggregates(class_report, class_entries):
    report, entries = class_report, class_entries
    assert report.students == 5 and report.graded == 4 and len(report.ungradable) == 1
    assert sorted(report.totals) == sorted(r["score"] for _, r in entries)
    assert report.seconds == [r["timings"]["total_s"] for _, r in entries]
    concat = next(q for q in report.questions if q.id == "concat")
    assert concat.full == 2 and concat.zero == 1  # alice and trudy; bob (the template)
    # The mutant and the template fail concat's value checks; the others pass them.
    check = next(c for c in report.checks if c.name.startswith("test_columns_of_y_right_of_x"))
    assert (check.ran, check.failed, check.rate) == (4, 2, 0.5)
    # Ranked by students, then occurrences; a message repeated by one student counts once.
    ranks = [(-m.students, -m.occurrences) for m in report.messages]
    assert ranks == sorted(ranks)
    missing = [m for m in report.messages if "`make_grid` is not defined" in m.message]
    assert missing and missing[0].students == 1 and missing[0].occurrences > 1
    assert set(report.plots) == {"totals", "questions", "failures", "times"}
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg for svg in report.plots.values())


def test_class_report_html_is_self_contained_and_escaped(class_page):
    page = class_page
    tags = _tags(page)
    images = [a for t, a in tags if t == "img"]
    assert len(images) == 4
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in images)
    assert not [t for t, _ in tags if t in ("script", "link", "i", "iframe")]
    assert not re.search(r"(src|href)=\"https?:", page)  # no network needed to view it
    assert "&lt;script&gt;" in page and "&lt;i&gt;eve&lt;/i&gt;" in page


def test_class_report_with_no_results(bank):
    page = class_report_html([], bank, CORE)
    assert "No check failed." in page and page.count("<img") == 4


# ---------------------------------------------------------------------------------------------
# CLI wiring (through the gradebook API)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def gradebook_file(tmp_path, graded):
    from grader.gradebook.store import Gradebook

    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        for i, (student, result) in enumerate(graded.items()):
            book.record(
                student=student,
                assignment=CORE,
                sha256=result["submission_sha256"],
                source=f"{student}.ipynb",
                submitted_at=f"2026-01-0{i + 1}T10:00:00+00:00",
                result=result,
            )
        book.record(
            student="eve",
            assignment=CORE,
            sha256="0" * 64,
            source="eve.ipynb",
            submitted_at="2026-01-01T10:00:00+00:00",
            error="not a notebook: the file is not JSON",
        )
    return path


def test_report_commands_write_pages(gradebook_file, tmp_path, capsys):
    out = tmp_path / "feedback"
    assert main(["report", "feedback", "--db", str(gradebook_file), "--out", str(out)]) == 0
    folder = out / CORE
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 8  # 4 students x (html, md)
    assert {"alice.html", "alice.md", "bob.html", "eve.html", "eve.md"} <= set(names)
    assert "not a notebook" in (folder / "eve.md").read_text(encoding="utf-8")
    page = tmp_path / "class.html"
    assert main(["report", "class", "--db", str(gradebook_file), "--out", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert 'could not be graded</th><td class="num">1<' in text
    assert "3 graded, 1 not gradable" in capsys.readouterr().out


def test_report_commands_reject_bad_input(gradebook_file, tmp_path, capsys):
    from grader.gradebook.store import Gradebook

    junk = tmp_path / "junk.sqlite"
    junk.write_text("not sqlite")
    out = str(tmp_path / "x.html")
    cases = [
        (["--db", str(tmp_path / "missing.sqlite")], "no such gradebook"),
        (["--db", str(junk)], "not a gradebook"),
        (["--db", str(gradebook_file), "--assignment", "nope"], "no results for assignment"),
    ]
    for extra, reason in cases:
        assert main(["report", "class", "--out", out, *extra]) == 2
        err = capsys.readouterr().err
        assert reason in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "missing.sqlite").exists()  # a report never creates a gradebook
    with Gradebook(gradebook_file) as book:
        result = copy.deepcopy(book.results(CORE)[0].result)
        result["assignment"] = "other"
        book.record(
            student="zed",
            assignment="other",
            sha256="1" * 64,
            source="zed.ipynb",
            submitted_at="2026-01-01T10:00:00+00:00",
            result=result,
        )
    assert main(["report", "class", "--db", str(gradebook_file), "--out", out]) == 2
    assert "pick one with --assignment" in capsys.readouterr().err


def test_safe_file_stems():
    taken: set[str] = set()
    assert safe_file_stem("alice", taken) == "alice"
    evil = safe_file_stem("../../etc/passwd", taken)
    assert "/" not in evil and not evil.startswith(".")
    assert safe_file_stem("Alice", taken) != "Alice"  # collides with alice on macOS/Windows
    assert safe_file_stem("张三", taken) == "张三"


# ---------------------------------------------------------------------------------------------
# Both pages in headless Chromium: the plots render, and no student text runs as script
# ---------------------------------------------------------------------------------------------


def _blank(png: bytes) -> bool:
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("L")
    low, high = image.getextrema()
    return high - low < 30


def test_pages_render_in_chromium(chromium, class_page, bank, hostile_result, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "class.html"
    path.write_text(class_page, encoding="utf-8")
    chromium.get(path.as_uri())
    images = chromium.find_elements(By.CSS_SELECTOR, "img.plot")
    assert len(images) == 4
    (table,) = chromium.find_elements(By.CSS_SELECTOR, "table.misconceptions")
    assert "no known mistake" in table.text and table.size["height"] > 40
    for image in images:
        chromium.execute_script("arguments[0].scrollIntoView()", image)
        natural = chromium.execute_script(
            "return [arguments[0].complete, arguments[0].naturalWidth, arguments[0].naturalHeight]",
            image,
        )
        assert natural[0] and natural[1] > 100 and natural[2] > 50, image.get_attribute("id")
        assert image.size["width"] > 100 and image.size["height"] > 50
        assert not _blank(image.screenshot_as_png), f"{image.get_attribute('id')} is blank"
    assert chromium.execute_script("return window.__pwned") is None

    for lang in ("en", "zh"):
        page = tmp_path / f"feedback.{lang}.html"
        page.write_text(feedback_html("<b>x</b>", hostile_result, bank, lang), encoding="utf-8")
        chromium.get(page.as_uri())
        body = chromium.find_element(By.TAG_NAME, "body")
        assert body.size["height"] > 400
        assert "<script>window.__pwned = 1</script>" in body.text
        assert chromium.execute_script("return window.__pwned") is None
        assert chromium.find_elements(By.CSS_SELECTOR, "pre.message")


_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _fonts_of_cjk_text(driver) -> list[tuple[str, list[dict]]]:
    """(text, platform fonts Chromium drew it with) for each visible element whose own text is
    Chinese, from the DevTools protocol (CSS.getPlatformFontsForNode: family, glyph count)."""
    driver.execute_script(
        """for (const el of document.body.querySelectorAll('*')) {
             const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
             if (/[\\u3400-\\u9fff]/.test(own) && el.checkVisibility()) el.dataset.cjk = '1';
           }"""
    )
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    ids = driver.execute_cdp_cmd("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-cjk]"})
    found = []
    for node_id in ids["nodeIds"]:
        node = driver.execute_cdp_cmd("DOM.describeNode", {"nodeId": node_id, "depth": 1})["node"]
        own = "".join(
            child.get("nodeValue", "")
            for child in node.get("children", [])
            if child["nodeType"] == 3
        )
        fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node_id})
        found.append((own.strip(), fonts["fonts"]))
    return found


def test_zh_feedback_with_a_diagnosis_renders_every_glyph(chromium, graded, bank, tmp_path):
    """A Chinese page with a diagnosed mistake and skipped CUDA checks, in headless Chromium:
    every Chinese text is drawn with a font that has CJK glyphs (no tofu boxes), the skipped
    checks are explained, and the screenshot is not blank."""
    from selenium.webdriver.common.by import By

    student, result = next(
        (s, r) for s, r in graded.items() if any(q.get("diagnosis") for q in r["questions"])
    )
    page = tmp_path / "feedback.zh.html"
    page.write_text(feedback_html(student, result, bank, "zh"), encoding="utf-8")
    chromium.get(page.as_uri())
    diagnosis = chromium.find_element(By.CSS_SELECTOR, "div.diagnosis")
    assert "这个答案的表现与一个常见错误一致" in diagnosis.text
    # On this CPU runner the CUDA checks were skipped: the page says why, in Chinese.
    notes = chromium.find_elements(By.CSS_SELECTOR, "p.skipped-note")
    assert any("项 CUDA 检查未计分" in note.text for note in notes)
    texts = _fonts_of_cjk_text(chromium)
    assert len(texts) > 10
    for text, fonts in texts:
        assert fonts, text
        assert any("CJK" in f["familyName"] and f["glyphCount"] > 0 for f in fonts), (
            f"{text[:40]!r} is drawn with {[f['familyName'] for f in fonts]}: no CJK font "
            "(install fonts-noto-cjk; scripts/setup.sh does)"
        )
    # The grading time is shown in the reader's time zone, not as a raw ISO string.
    shown = chromium.find_element(By.CSS_SELECTOR, "time").text
    assert shown and "T" not in shown and "+00:00" not in shown
    shot = tmp_path / "feedback.zh.png"
    chromium.set_window_size(1200, 2400)
    chromium.save_screenshot(str(shot))
    assert not _blank(shot.read_bytes())
