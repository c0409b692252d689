"""JUnit XML for CI test reporters: a <testsuite> per notebook, a <testcase> per check.

Written with the standard library's ElementTree (the format is small and stable). The element
and attribute names are those of the Jenkins/Ant JUnit schema that GitHub Actions reporters,
GitLab and Jenkins read: testsuites > testsuite > (properties, testcase > failure|error|skipped).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..execute import CELL_PROBLEMS
from ..resultview import check_message, diagnosis_text, result_hints, words

# Check status in the result JSON -> JUnit child element. "failed" is a wrong answer; "error"
# and "timeout" mean the student's code could not be checked (raised, crashed, hung).
_STATUS_ELEMENT = {"failed": "failure", "error": "error", "timeout": "error", "skipped": "skipped"}


@dataclass(frozen=True)
class NotebookOutcome:
    """One notebook of a CI run: its result JSON, or why it could not be graded."""

    path: str
    result: dict[str, Any] | None
    problem: str | None = None
    problem_kind: str = "unusable"  # or "grader-failure": the grader broke, not the notebook


def _first_line(text: str, limit: int = 200) -> str:
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _clean(text: str) -> str:
    # XML 1.0 cannot hold most control characters; student output may contain them.
    return "".join(
        ch if ch in "\t\n\r" or (ord(ch) >= 0x20 and ord(ch) not in (0xFFFE, 0xFFFF)) else "?"
        for ch in text
    )


def _counts(suite: ET.Element) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in suite.iter("testcase"):
        counts["tests"] += 1
        for child, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            if case.find(child) is not None:
                counts[key] += 1
    return counts


def _suite_for(outcome: NotebookOutcome) -> ET.Element:
    suite = ET.Element("testsuite", name=outcome.path)
    result = outcome.result
    if result is None:
        # An unusable notebook is one errored testcase, so a reporter shows why.
        step = "load" if outcome.problem_kind == "unusable" else "grade"
        case = ET.SubElement(suite, "testcase", classname="notebook", name=f"notebook::{step}")
        error = ET.SubElement(
            case,
            "error",
            type=outcome.problem_kind,
            message=_clean(_first_line(outcome.problem or "")),
        )
        error.text = _clean(outcome.problem or "")
        suite.set("time", "0")
    else:
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("assignment", result["assignment"]),
            ("score", f"{result['score']:g}"),
            ("max_score", f"{result['max_score']:g}"),
            ("checks", result.get("checks", "all")),
            ("devices", ",".join(result["devices"]["graded_on"])),
            ("engine", result["engine"]),
        ):
            ET.SubElement(properties, "property", name=name, value=str(value))
        # Cells that did not run to the end are errors: an exception in a cell is the student's
        # to fix, like a crash or a timeout, and later checks of that question usually fail
        # because of it. (Skipped `grader.check` cells are not listed.)
        for cell in result["cells"]:
            if cell["status"] not in CELL_PROBLEMS:
                continue
            case = ET.SubElement(
                suite,
                "testcase",
                classname="cells",
                name=f"cell::{cell['index']}",
                time=f"{cell.get('seconds', 0):.3f}",
            )
            error = cell["error"] or {}
            detail = f"{error.get('type', cell['status'])}: {error.get('message', '')}".strip()
            element = ET.SubElement(
                case,
                "error",
                type=cell["status"],
                message=_clean(_first_line(f"cell {cell['index']} {cell['status']}: {detail}")),
            )
            element.text = _clean(detail)
        lang = result.get("lang") or "en"
        said = words(lang)
        for question in result["questions"]:
            diagnosis = diagnosis_text(question, lang, result_hints(result))
            for check in question["checks"]:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=question["id"],
                    name=f"{question['id']}::{check['name']}",
                    time="0",
                )
                kind = _STATUS_ELEMENT.get(check["status"])
                if kind is None:
                    continue
                message = check_message(check, lang)
                if kind != "skipped" and diagnosis is not None:
                    # The known mistake first: a CI dashboard shows the message's first line.
                    message = f"{said['diagnosis']}{said['colon']}{diagnosis.mistake}\n{message}"
                attributes = {"message": _clean(_first_line(message))}
                if kind != "skipped":
                    attributes["type"] = check["status"]
                element = ET.SubElement(case, kind, attributes)
                if kind != "skipped":
                    element.text = _clean(message)
        suite.set("time", f"{result['timings']['total_s']:.3f}")
    for key, value in _counts(suite).items():
        suite.set(key, str(value))
    return suite


def junit_xml(outcomes: list[NotebookOutcome]) -> bytes:
    """The JUnit XML document for these notebooks (UTF-8 bytes with an XML declaration)."""
    root = ET.Element("testsuites", name="grader ci")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    seconds = 0.0
    for outcome in outcomes:
        suite = _suite_for(outcome)
        root.append(suite)
        for key in total:
            total[key] += int(suite.get(key, "0"))
        seconds += float(suite.get("time", "0"))
    for key, value in total.items():
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_junit(outcomes: list[NotebookOutcome], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit_xml(outcomes))
