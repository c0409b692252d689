"""A Chinese student reads native text, and the points add up (issue 27)."""

from __future__ import annotations

import html
import json
import re

import pytest

from grader.grade import summary_lines
from grader.reports.feedback import feedback_html
from grader.reports.render import markdown_to_html

from .conftest import ROOT

CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
# A space touching a Chinese character or full-width punctuation.
# A space (or a soft line break, which a browser shows as one) touching Chinese text.
SPACED = re.compile(rf"[{CJK}][ \n]+\S|\S[ \n]+[{CJK}]")


def _rendered_text(markdown: str) -> str:
    """The text a browser shows, with line breaks kept where they render as spaces (inside a
    paragraph) and dropped between blocks; code blocks left out (their breaks are real)."""
    rendered = re.sub(r"<pre>.*?</pre>", "", str(markdown_to_html(markdown)), flags=re.DOTALL)
    rendered = re.sub(r">\s+<", "><", rendered)
    return html.unescape(re.sub(r"<[^>]+>", "|", rendered))


def test_zh_prompts_render_without_spaces_the_source_did_not_write(bank):
    """A line break inside a Chinese paragraph renders as a space ("张量， 按行"): every space
    next to Chinese text on a rendered prompt must be one the source wrote on one line."""
    stray = []
    for question in bank.questions.values():
        for text in (question.prompt["zh"], question.title["zh"], *(question.hint or {}).values()):
            # Each source line rendered on its own: the spaces the author wrote.
            lines = [_rendered_text(line) for line in text.splitlines()]
            for match in SPACED.finditer(_rendered_text(text)):
                if not any(match.group(0) in line for line in lines):
                    stray.append((question.id, match.group(0)))
    assert stray == []


def test_the_check_detects_a_wrapped_chinese_paragraph():
    text = "请写一个函数，返回形状为 (2, 3) 的张量，\n按行填入 0 到 5。"
    lines = [_rendered_text(line) for line in text.splitlines()]
    spaced = [m.group(0) for m in SPACED.finditer(_rendered_text(text))]
    assert any(not any(m in line for line in lines) for m in spaced)


@pytest.fixture(scope="module")
def cpu_result(grade):
    """The solution notebook graded on this CPU-only runner: the CUDA checks are skipped."""
    return grade(ROOT / "solutions/preliminaries-core.ipynb")


def test_every_maximum_is_the_same_number(cpu_result, bank):
    """Template heading, terminal summary, feedback page: one maximum per question, and the
    total is their sum; a question with CUDA checks says which part needs a GPU."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("on a GPU runner nothing is skipped")
    device_zeros = next(q for q in cpu_result["questions"] if q["id"] == "device-zeros")
    question = bank.questions["device-zeros"]
    assert device_zeros["max_score"] < question.points  # its CUDA checks were left out
    gpu_part = question.points - device_zeros["max_score"]
    template = json.loads((ROOT / "student_templates/preliminaries-core.zh.ipynb").read_text())
    heading = next(
        "".join(c["source"])
        for c in template["cells"]
        if c["metadata"].get("d2l_grader", {}).get("question") == "device-zeros"
        and c["cell_type"] == "markdown"
    )
    assert (
        f"（{question.points:g} 分，其中 {gpu_part:g} 分只在有 GPU 的机器上评分时计入）" in heading
    )
    assert cpu_result["max_score"] == pytest.approx(
        sum(q["max_score"] for q in cpu_result["questions"])
    )

    lines = summary_lines(cpu_result, bank, "zh")
    zeros_line = next(line for line in lines if line.startswith("device-zeros"))
    assert f"{device_zeros['score']:g}/{device_zeros['max_score']:g}" in zeros_line
    assert any("本次评分的机器没有 GPU" in line and "CUDA" in line for line in lines)
    assert lines[-1] == f"总分 {cpu_result['score']:g}/{cpu_result['max_score']:g}"

    page = feedback_html("学生", cpu_result, bank, "zh")
    assert f"{device_zeros['score']:g} / {device_zeros['max_score']:g}" in page
    assert f"{cpu_result['score']:g} / {cpu_result['max_score']:g} 分" in page
    skipped = sum(c["status"] == "skipped" for c in device_zeros["checks"])
    assert f"本次评分的机器没有 GPU，{skipped} 项 CUDA 检查未计分" in page
    for label in ("学生：", "总分："):
        assert label in page  # full-width colons in Chinese UI text


def test_grade_summary_speaks_the_notebooks_language(tmp_path, bank, grade):
    import nbformat

    notebook = nbformat.read(ROOT / "student_templates/preliminaries-core.zh.ipynb", as_version=4)
    path = tmp_path / "zh.ipynb"
    nbformat.write(notebook, path)
    result = grade(path)
    assert result["lang"] == "zh"
    lines = summary_lines(result, bank)
    assert lines[-1].startswith("总分 ")
    assert any("按行填入连续整数的矩阵" in line for line in lines)  # the zh title
    english = summary_lines(result, bank, "en")
    assert english[-1].startswith("TOTAL ")


def test_meta_device_message_says_what_the_check_did(bank):
    from grader.authoring.inprocess import run_in_process
    from grader.judge.runner import RunOptions

    question = bank.questions["device-zeros"]
    mutant = next(m for m in question.mutants if m.name == "forgets-device")
    run = run_in_process(question, mutant.code, RunOptions())
    messages = [
        c
        for c in run.result.checks
        if c.status == "failed" and c.visibility == "hidden" and "meta" in c.message
    ]
    assert messages
    assert "stands in for a GPU" in messages[0].message
    assert "代替 GPU" in (messages[0].message_zh or "")
