"""The UI strings of the reports, in Chinese and English.

Only fixed text lives here; everything student-derived is escaped by the renderers.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

FEEDBACK: dict[str, dict[str, str]] = {
    "en": {
        "title": "Feedback",
        "student": "Student",
        "assignment": "Assignment",
        "total": "Total",
        "graded_at": "Graded at",
        "points": "points",
        "question": "Question",
        "score": "Score",
        "passed": "Passed",
        "failed": "Not passed",
        "skipped": "Skipped",
        "public": "public",
        "hidden": "hidden",
        "hint": "Hint",
        "colon": ": ",
        "task": "The task again",
        "all_passed": "All checks passed.",
        "none_passed": "No check passed yet.",
        "cells": "Cells that raised an error",
        "cells_intro": "Cells are counted from 1 at the top of the notebook, Markdown cells included. "
        "A cell that fails can leave later answers undefined.",
        "cell": "Cell",
        "notes": "Notes from the grader",
        "public_only": "Only the public checks ran for this result (a self-check); "
        "the hidden checks count in the final grade.",
        "not_graded": "This submission could not be graded.",
        "not_graded_what": "Fix the problem below and submit again.",
        "status_failed": "wrong result",
        "status_error": "your code raised an error",
        "status_timeout": "took too long",
        "status_skipped": "skipped",
        "hint_error": "Your code raised an error on a check's input. Call your function on a similar "
        "input in the notebook and read the error.",
        "hint_timeout": "A call ran out of time: look for an endless loop, or far more work than "
        "the task needs.",
        "hint_failed": "The hidden checks use other inputs than the examples (other shapes, dtypes, "
        "values): make sure your answer is right in general, not only for the examples.",
        "summary_line": "{score} of {max_score} points",
    },
    "zh": {
        "title": "作业反馈",
        "student": "学生",
        "assignment": "作业",
        "total": "总分",
        "graded_at": "评分时间",
        "points": "分",
        "question": "题目",
        "score": "得分",
        "passed": "已通过",
        "failed": "未通过",
        "skipped": "已跳过",
        "public": "公开",
        "hidden": "隐藏",
        "hint": "提示",
        "colon": "：",
        "task": "题目原文",
        "all_passed": "全部检查均已通过。",
        "none_passed": "尚未通过任何检查。",
        "cells": "运行出错的单元格",
        "cells_intro": "单元格从笔记本顶部开始从 1 计数（包括 Markdown 单元格）。"
        "出错的单元格可能导致后面的答案未被定义。",
        "cell": "单元格",
        "notes": "评分程序的说明",
        "public_only": "此结果只运行了公开检查（自测）；最终成绩以隐藏检查为准。",
        "not_graded": "此次提交无法评分。",
        "not_graded_what": "请修正下面的问题后重新提交。",
        "status_failed": "结果不正确",
        "status_error": "代码运行出错",
        "status_timeout": "运行超时",
        "status_skipped": "已跳过",
        "hint_error": "你的代码在某个检查的输入上出错了。请在笔记本中用类似的输入调用你的函数，并阅读报错信息。",
        "hint_timeout": "某次调用超时：检查是否有死循环，或做了远超题目需要的计算。",
        "hint_failed": "隐藏检查使用与示例不同的输入（不同的形状、数据类型和数值）："
        "请确保答案在一般情况下都正确，而不只是对示例正确。",
        "summary_line": "{score} / {max_score} 分",
    },
}


def feedback_strings(lang: str) -> dict[str, str]:
    if lang not in FEEDBACK:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return FEEDBACK[lang]
