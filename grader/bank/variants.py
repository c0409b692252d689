"""Per-student variants of a question: its parameter space, the draw, and the rendered texts.

A question may declare `variants:`, named parameters each with its allowed values; a variant
is one value per parameter, and the space is their product, in a fixed order (index 0 takes
every parameter's first value: the question as a non-variant assignment shows it). A student's
variant is drawn with HMAC-SHA256(course secret, assignment, question, student id): stable,
reproducible by the instructor, unpredictable without the secret. Titles, prompts, starters,
public doctests and bank code are templates: `{name}` (or `{name[i]}`, an item of a list value,
or `{name[field]}`, a field of a mapping value)
stands for a drawn value, and `{choices}` for a choice question's options in the drawn
`order`, and `{letter[KEY]}` for the letter option KEY got in it. Any other brace is left alone, so code and LaTeX in prompts need no escaping.

docs/variants.md has the format and the reasoning.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\[([A-Za-z0-9_]+)\])?\}")
CHOICE_LABELS = "ABCDEFGHIJ"
ORDER = "order"  # the parameter that orders a choice question's `choices`


def identity_problem(
    drawn: bool, assignment: str, student: str | None, secret: bytes | None
) -> str | None:
    """Why an assignment that draws variants (`drawn`) cannot be graded or handed out with
    this student id and secret, or None."""
    if drawn and not student:
        return (
            f"assignment {assignment!r} gives each student their own variant, so grading needs "
            "the student's id: pass --student ID (grader batch takes it from the file names)"
        )
    if drawn and not secret:
        return (
            f"assignment {assignment!r} gives each student their own variant, drawn from the "
            "course secret: set GRADER_SECRET or pass --secret-file FILE (`grader secret init "
            "FILE` writes one)"
        )
    return None


def space_size(parameters: Mapping[str, list[Any]]) -> int:
    size = 1
    for values in parameters.values():
        size *= len(values)
    return size


def variant_at(parameters: Mapping[str, list[Any]], index: int) -> dict[str, Any]:
    """The variant number `index` of the space (mixed radix, the last parameter fastest)."""
    chosen: dict[str, Any] = {}
    for name in reversed(list(parameters)):
        values = parameters[name]
        index, position = divmod(index, len(values))
        chosen[name] = values[position]
    return {name: chosen[name] for name in parameters}


def all_variants(parameters: Mapping[str, list[Any]]) -> Iterator[dict[str, Any]]:
    names = list(parameters)
    for values in itertools.product(*(parameters[n] for n in names)):
        yield dict(zip(names, values, strict=True))


def checked_indices(size: int, sample: int | None) -> list[int]:
    """The variants `grader bank validate` proves: all of them, or `sample` spread evenly over
    the space (the first, the default, always among them)."""
    if sample is None or size <= sample:
        return list(range(size))
    return sorted(
        {round(i * (size - 1) / (sample - 1)) for i in range(sample)} if sample > 1 else {0}
    )


def draw_index(secret: bytes, assignment: str, question: str, student: str, size: int) -> int:
    """The student's variant of a question: HMAC-SHA256 over the three names, reduced to the
    space. The names are joined with NUL bytes, which none of them may contain."""
    message = "\0".join((assignment, question, student)).encode("utf-8")
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % size


def format_value(value: Any) -> str:
    """How a drawn value reads in a prompt or in code: text as it is, a list as a tuple (a
    shape reads `(2, 3)`, and `torch.zeros((2, 3))` is valid code), anything else as repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return repr(tuple(value))
    return repr(value)


def render(
    text: str,
    variant: Mapping[str, Any],
    choices: Mapping[str, str] | None = None,
) -> str:
    """`text` with the variant's placeholders filled in (unknown names are left as written).
    `choices` (key -> option text, one language) fills `{choices}`: one line per option,
    `A. …`, in the order of the variant's `order`."""

    def fill(match: re.Match[str]) -> str:
        name, item = match.group(1), match.group(2)
        if name == "choices" and item is None and choices is not None and ORDER in variant:
            return choice_lines(variant[ORDER], choices)
        if name == "letter" and item is not None and item in variant.get(ORDER, ()):
            return choice_label(variant, item)
        if name not in variant:
            return match.group(0)
        value = variant[name]
        if item is not None:
            if isinstance(value, dict) and item in value:
                value = value[item]  # a named field: {die[faces]}
            elif isinstance(value, list) and item.isdigit() and int(item) < len(value):
                value = value[int(item)]
            else:
                return match.group(0)
        return format_value(value)

    return PLACEHOLDER.sub(fill, text)


def choice_lines(order: list[str], choices: Mapping[str, str]) -> str:
    """The options as a Markdown list, `- **A.** text`, in the drawn order."""
    return "\n".join(
        f"- **{CHOICE_LABELS[position]}.** {choices[key]}" for position, key in enumerate(order)
    )


def choice_label(variant: Mapping[str, Any], key: str) -> str:
    """The letter under which option `key` is shown in this variant (for checks)."""
    return CHOICE_LABELS[list(variant[ORDER]).index(key)]


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(text)}
