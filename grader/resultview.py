"""Reading a result for a person, in their language: every front end shows the same words.

A result (result.schema.json) keeps each check's message in English (`message`) and, where the
judge or the check gives one, in Chinese (`message_zh`); a check's title (`title`: {en, zh});
and for a question that lost points its `diagnosis` (a known mistake and a hint, both {en, zh}).
Results written before these fields existed have only `message`: they read as English.

Failures of one question that share one cause are shown once, with how many checks they cover:
the same status and the same message once the numbers in it are masked (a missing keepdims
fails four parametrised cases with four shapes in one sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .statuses import NOT_PASSED

LANGUAGES = ("zh", "en")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_PUBLIC_PREFIX = "public: "

DIAGNOSIS_WORDS = {
    "en": {
        "diagnosis": "This behaves like a known mistake",
        "hint": "Hint",
        "colon": ": ",
        "covers": "{n} checks fail this way",
        "hint_hidden": "(the hint for this mistake is shown after the deadline)",
        "total": "TOTAL",
        "cell": "cell",
    },
    "zh": {
        "diagnosis": "这个答案的表现与一个常见错误一致",
        "hint": "提示",
        "colon": "：",
        "covers": "共 {n} 项检查因此未通过",
        "hint_hidden": "（这个错误的提示会在截止日期后显示）",
        "total": "总分",
        "cell": "单元格",
    },
}


# How a page says why checks were skipped (the judge's reason, in the reader's language).
SKIPPED_NOTE = {
    "en": "{n} {device} check(s) were not counted ({reason}); the maximum leaves them out",
    "zh": "{reason}，{n} 项 {device} 检查未计分，满分中也不含这些检查",
}


def skipped_notes(checks: list[dict[str, Any]], lang: str) -> list[str]:
    """One sentence per reason checks were skipped: how many, on which device, and why."""
    counts: dict[tuple[str, str], int] = {}
    for check in checks:
        if check["status"] == "skipped":
            reason = check_message(check, lang).removeprefix("skipped: ").removeprefix("已跳过：")
            key = (str(check.get("device") or "").upper() or "GPU", reason)
            counts[key] = counts.get(key, 0) + 1
    notes = []
    for (device, reason), n in counts.items():
        notes.append(SKIPPED_NOTE[lang].format(n=n, device=device, reason=reason))
    return notes


def words(lang: str) -> dict[str, str]:
    if lang not in DIAGNOSIS_WORDS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return DIAGNOSIS_WORDS[lang]


def check_message(check: dict[str, Any], lang: str) -> str:
    if lang == "zh" and check.get("message_zh"):
        return str(check["message_zh"])
    return str(check.get("message", ""))


def check_label(check: dict[str, Any], lang: str) -> str:
    """What a check is called on a page: its Chinese title (with the case in brackets) for a
    Chinese reader where the check has one, else its name made readable:
    'test_rows_below[3-2]' -> 'rows below [3-2]', 'public: shapes' -> 'shapes'."""
    name = str(check["name"])
    if name.startswith(_PUBLIC_PREFIX):
        return name[len(_PUBLIC_PREFIX) :]
    base, bracket, params = name.partition("[")
    title = check.get("title") or {}
    if lang == "zh" and title.get("zh") and title.get("zh") != title.get("en"):
        return f"{title['zh']} [{params}" if bracket else title["zh"]
    base = base.removeprefix("test_").replace("_", " ").strip()
    return f"{base} [{params}" if bracket else base


@dataclass
class FailureGroup:
    """Failed checks of one question with one cause: shown once."""

    status: str
    message: str  # the first check's message, in the reader's language
    checks: list[dict[str, Any]] = field(default_factory=list)


def cause_key(check: dict[str, Any]) -> tuple[str, str]:
    return check["status"], _NUMBERS.sub("#", str(check.get("message", "")).strip())


def failure_groups(checks: list[dict[str, Any]], lang: str) -> list[FailureGroup]:
    """The checks that did not pass, grouped by cause, in the order their first case failed."""
    groups: dict[tuple[str, str], FailureGroup] = {}
    for check in checks:
        if check["status"] not in NOT_PASSED:
            continue
        key = cause_key(check)
        if key not in groups:
            groups[key] = FailureGroup(check["status"], check_message(check, lang))
        groups[key].checks.append(check)
    return list(groups.values())


@dataclass(frozen=True)
class DiagnosisText:
    mutant: str
    mistake: str
    hint: str | None  # None when the result says hints are hidden
    hint_hidden: bool = False  # there is a hint, kept for after the deadline


def diagnosis_text(
    question: dict[str, Any], lang: str, hints: str = "show"
) -> DiagnosisText | None:
    """A question's diagnosis in `lang` (hint left out when `hints` is "hide"), or None."""
    diagnosis = question.get("diagnosis")
    if not diagnosis:
        return None
    mistake, hint = diagnosis.get("mistake") or {}, diagnosis.get("hint") or {}
    text = hint.get(lang) or hint.get("en")
    shown = text if hints == "show" else None
    return DiagnosisText(
        mutant=str(diagnosis.get("mutant", "")),
        mistake=str(mistake.get(lang) or mistake.get("en") or ""),
        hint=str(shown) if shown else None,
        hint_hidden=bool(text) and hints != "show",
    )


def result_hints(result: dict[str, Any]) -> str:
    """Whether the result lets reports show hints ("show" for results older than the field)."""
    return "hide" if result.get("hints") == "hide" else "show"
