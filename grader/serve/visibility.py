"""What a student may see of a result, by the course's policy (course.toml):

- "score": each question's score and maximum, nothing of the checks;
- "checks": also each check's name, title, status and points; the messages of public checks
  only (a hidden check's message can describe its inputs); no diagnosis;
- "full": everything the result holds, diagnoses and hints included.

Instructors always get "full". The filtered copy keeps the result's shape, so the feedback
page and API clients read it as any result.
"""

from __future__ import annotations

import copy
from typing import Any

HIDDEN_QUESTION_KEYS = ("diagnosis", "behaviour", "answer")


def visible_result(result: dict[str, Any], level: str) -> dict[str, Any]:
    if level == "full":
        return result
    shown = copy.deepcopy(result)
    for question in shown["questions"]:
        for key in HIDDEN_QUESTION_KEYS:
            question.pop(key, None)
        question["diagnosis"] = None
        if level == "score":
            question["checks"] = []
            continue
        for check in question["checks"]:
            if check.get("visibility") != "visible":
                check["message"] = ""
                check.pop("message_zh", None)
    return shown
