"""The leak test: do a value, choice or predict question's failure messages give its answer away?

For those questions the answer *is* a value, so a message that states an expected value, how many
items the answer has, whether an item is None (or which type it has), or which option letters are
wrong hands the student the answer, one failed submission at a time. Saying *which item* is
wrong is allowed ("item 3 of SHAPES is not right"); saying what it should be, how many there
should be, or whether it should be None is not.

`message_leaks` reads one message against the reference's values (the names the question
defines, as the reference sets them) and the variant's own values (repeating what a student wrote
gives nothing away). `find_leaks` runs every mutant and the starter of the chosen questions in
this process (bank code only) and reads every failure message of their hidden checks, and every
check name (names are shown too). Public checks are left out: a doctest's expected output is
already in front of the student.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import torch

from ..bank.model import Bank, Question
from ..statuses import NOT_PASSED

ANSWER_KINDS = ("value", "choice", "predict")
MAX_DEPTH = 3  # how deep to read into nested answers (the ints of a tuple of shapes: depth 2)


@dataclass(frozen=True)
class Leak:
    question: str
    variant: str  # mutant:NAME | starter
    check: str
    message: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# -- what a message must not say ----------------------------------------------------------------

# Words that make a clause a statement about the expected answer.
EXPECTATION = re.compile(
    r"\b(expected|expect|expects|should|must|instead of|ought|needs? to|has to|have to|"
    r"the (?:right|correct) (?:answer|value)|the answer is)\b",
    re.IGNORECASE,
)
# Positions are allowed ("item 3", "entry D", "at index (1, 2)"): dropped before numbers are read.
POSITION = re.compile(
    r"\b(?:items?|entry|entries|elements?|index|indices|positions?|rows?|columns?|snippets?|"
    r"parts?|lines?|questions?|steps?|cases?|letters?|axis|axes|dims?|dimensions?|"
    r"statements?|options?|expressions?|cells?|calls?|examples?)\s*"
    r"(?:\([\d\s,]*\)|\[[\d\s,]*\]|\d+(?:\s*(?:,|and|or|to)\s*\d+)*)",
    re.IGNORECASE,
)
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w])")
# Saying that the number of items differs tells the student the answer's structure.
COUNT_PHRASE = re.compile(
    r"\b(different number|number of (?:items|entries|elements|values|shapes|letters|answers)|"
    r"too (?:many|few)|(?:more|fewer|extra|missing) (?:items|entries|elements|values|letters)|"
    r"wrong length|lengths? (?:is not|are not|differs?)|length of [\w.]+ is not)\b",
    re.IGNORECASE,
)
ITEM_TYPE = re.compile(r"\b(?:should|must) (?:be|hold) (?:a|an) [\w.]+([^.;]*)", re.IGNORECASE)
NONE_STATED = re.compile(
    r"\b(?:should|must)(?: not)? be None\b|\bexpected None\b|\bNone (?:was|is) expected\b"
)
EITHER_NONE = re.compile(r"\bor None\b|\bNone or\b")  # "a tuple or None": the format
# The options offered are public: "among A, B, C, D", 'one of "A", "B", "C"', "from A to E".
# So are the strings of 'one of the strings "(AB)C", "A(BC)" or "same"'.
_LETTER = r"""["']?[A-Z]["']?"""
_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
OPTION_LIST = re.compile(
    _LETTER
    + r"(?:\s*,\s*(?:(?:or|and)\s+)?"
    + _LETTER
    + r"){2,}|\bfrom [A-Z] to [A-Z]\b|\bone of (?:the [\w ]+? )?"
    + _QUOTED
    + r"(?:(?:\s*,\s*|\s+)(?:or\s+)?"
    + _QUOTED
    + r")+"
)
LETTER_NAMED = re.compile(
    r"""["'][A-Z]["']|\b(?:options?|letters?|choices?|statements?|lines?|snippets?|pairs?|"""
    r"""products?|expressions?)\s+[A-Z]\b"""
)


# A format example ("such as {"A", "C"}", "e.g. (5, 4)") shows the form of an answer, not the
# answer: left out of what is read for items and counts (the whole answer still may not appear).
EXAMPLE = re.compile(
    r"\b(?:such as|for example|for instance|e\.g\.,?)\s+[^;]*?(?=[.;](?:\s|$)|,\s+but\s|$)"
)
WORD_NUMBERS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())
}
_COUNT = r"(\d+|" + "|".join(WORD_NUMBERS) + r")"
# How a prompt states the counts of the format: "a tuple of 8 `torch.dtype` values", "a list of
# 3 lists of 4 ints", "your four answers".
PROMPT_COUNTS = [
    re.compile(r"\b(?:lists?|tuples?|sets?) of " + _COUNT + r"\b", re.IGNORECASE),
    re.compile(
        r"\b"
        + _COUNT
        + r"\s+(?:`[^`]*`\s+|[\w-]+\s+)?(?:booleans|bools|floats|ints|integers|numbers|shapes|"
        r"entries|items|answers|tuples|lists|strings|dtypes|values|predictions|letters|rows)\b",
        re.IGNORECASE,
    ),
]


def _clauses(message: str) -> list[str]:
    """Sentences and the parts around 'but', where an expectation usually sits."""
    parts = re.split(r"[.;!?](?:\s|$)|,?\s+but\s+", message)
    return [p for p in parts if p.strip()]


def _walk(value: Any, depth: int = 0) -> Iterable[Any]:
    """The value, its items, their items... (tensors as nested lists, sets in sorted order)."""
    yield value
    if depth >= MAX_DEPTH:
        return
    if type(value) is torch.Tensor:
        if value.dim() > 0:
            yield tuple(value.shape)
            for item in value.tolist():
                yield from _walk(item, depth + 1)
        return
    if isinstance(value, (tuple, list, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        for item in items:
            yield from _walk(item, depth + 1)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _forms(value: Any) -> set[str]:
    """How a value (or an item of it) could read in a message; only forms too distinctive to
    appear by chance (3 characters or more; small numbers are read as numbers instead)."""
    forms: set[str] = set()
    if isinstance(value, str):
        forms |= {repr(value), f'"{value}"'}
        if len(value.strip()) >= 3:
            forms.add(value.strip())
    elif isinstance(value, bool):
        forms.add(str(value))
    elif _is_number(value):
        forms.add(repr(value))
    elif isinstance(value, torch.dtype):
        forms |= {str(value), str(value).removeprefix("torch.")}
    elif isinstance(value, (tuple, list)):
        forms |= {repr(tuple(value)), repr(list(value))}
        if all(type(v) is int for v in value):
            forms.add(str(torch.Size(value)))
    return {f for f in forms if len(f) >= 3}


def _numbers(value: Any) -> set[float]:
    """The numbers an answer holds: its values and the lengths of it and its items."""
    found: set[float] = set()
    for item in _walk(value):
        if _is_number(item):
            found.add(float(item))
        elif isinstance(item, (tuple, list, set, frozenset)):
            found.add(float(len(item)))
    return found


def _lengths(value: Any) -> tuple[set[float], set[float]]:
    """(format, answer) lengths. The format's: the answer's own length, and its items' length
    where all are alike (a list of 3 lists of 4 ints). The answer's: the lengths of items that
    differ from item to item (shapes of different ranks), and of everything inside them."""
    fixed: set[float] = set()
    level = [value]
    while level and all(isinstance(v, (tuple, list)) for v in level):
        sizes = {len(v) for v in level}
        if len(sizes) > 1:
            break
        fixed |= {float(n) for n in sizes}
        level = [item for v in level for item in v]
    varying = {
        float(len(item))
        for v in level
        for item in _walk(v)
        if isinstance(item, (tuple, list, set, frozenset))
    }
    return fixed, varying


def _mixed(value: Any) -> bool:
    """Whether the types of the items are part of the answer (some None, some not; shapes and
    exception names side by side)."""
    if value is None:
        return True
    if not isinstance(value, (tuple, list)):
        return False
    kinds = {type(v) if v is not None else None for v in value}
    return len(kinds) > 1 or any(_mixed(v) for v in value if isinstance(v, (tuple, list)))


def _contains(text: str, form: str) -> bool:
    pattern = re.escape(form)
    if form[0].isalnum() or form[0] == "_":
        pattern = r"(?<![\w.])" + pattern
    if form[-1].isalnum() or form[-1] == "_":
        pattern += r"(?![\w])"
    return re.search(pattern, text) is not None


def message_leaks(
    message: str,
    expected: dict[str, Any],
    own: dict[str, Any] | None = None,
    *,
    kind: str = "value",
    public_numbers: Iterable[float] = (),
    public_text: str = "",
) -> list[str]:
    """Why `message` gives the answer away ([] when it does not).

    `expected`: each defined name's value in the reference. `own`: the same names as the variant
    that got the message set them (repeating them gives nothing away). `public_numbers`: the
    counts the public checks and the prompt state (the length of the format is no secret).
    `public_text`: the prompt (a value it shows, an input's shape say, may be repeated to name an
    item, as long as it is not said to be what is expected).
    """
    if not message.strip():
        return []
    reasons: list[str] = []
    exempt = {f for v in (own or {}).values() for item in _walk(v) for f in _forms(item)}
    if _contains(message, "True") and _contains(message, "False"):
        exempt |= {"True", "False"}  # "True or False" names the format, not the answer
    message = OPTION_LIST.sub(" ", message)
    read = EXAMPLE.sub(" ", message)  # format examples left out (unless the whole answer)
    expecting = [c for c in _clauses(read) if EXPECTATION.search(c)]

    def shown(form: str, text: str) -> bool:
        if not _contains(text, form):
            return False
        if any(_contains(c, form) for c in expecting):
            return True  # said to be what is expected
        return form not in exempt and not _contains(public_text, form)

    # 1. An expected value, or an item of it, written out.
    for name, value in expected.items():
        whole = sorted(f for f in _forms(value) if shown(f, message))
        if whole:
            reasons.append(f"it shows {whole[0]}, the expected value of {name}")
            continue
        item_form = next(
            (
                form
                for item in _walk(value)
                if item is not value
                for form in sorted(_forms(item), key=len, reverse=True)
                if shown(form, read)
            ),
            None,
        )
        if item_form:
            reasons.append(f"it shows {item_form}, the expected value of an item of {name}")

    # 2. An expected count or number stated as what is expected ("4 were expected").
    secret: set[float] = set()
    told = set()  # counts of the format that the public checks or the prompt state
    for value in expected.values():
        secret |= _numbers(value)
        fixed, varying = _lengths(value)
        told |= {float(n) for n in public_numbers} & fixed - varying
    for clause in expecting:
        numbers = [t for t in NUMBER.findall(POSITION.sub(" ", clause)) if float(t) in secret]
        numbers = [t for t in numbers if float(t) not in told]
        if numbers:
            reasons.append(f"it states an expected number or count ({numbers[0]})")
            break

    # 3. That the number of items differs.
    match = COUNT_PHRASE.search(message)
    if match:
        reasons.append(f"it says the number of items is wrong ({match.group(0)!r})")

    # 4. Whether an item is None, or which type it has, where that is part of the answer.
    mixed = [n for n, v in expected.items() if _mixed(v)]
    about = [n for n in mixed if n in message] or (mixed if len(expected) == 1 else [])
    if about:
        stated = NONE_STATED.search(message)
        typed = next(
            (m for m in ITEM_TYPE.finditer(message) if not re.search(r"\bor\b", m.group(1))),
            None,
        )
        at_item = POSITION.search(message) is not None
        if stated:
            reasons.append(f"it says whether an item should be None ({stated.group(0)!r})")
        elif at_item and typed:
            reasons.append(f"it names the type an item should have ({typed.group(0).strip()!r})")
        elif at_item and expecting and re.search(r"\bNone\b", EITHER_NONE.sub(" ", message)):
            reasons.append("it tells whether an item is None")

    # 5. Which option letters are right or wrong.
    if kind == "choice":
        named = LETTER_NAMED.search(read)
        if named:
            reasons.append(f"it names an option ({named.group(0)})")
    return reasons


# -- running the bank's variants ----------------------------------------------------------------


def public_numbers(question: Question) -> set[float]:
    """The counts a student is told: every number the public checks show (their doctests'
    sources and outputs) and the counts the prompt states for the format."""
    numbers = {
        float(token) for check in question.public_checks for token in NUMBER.findall(check.doctest)
    }
    for pattern in PROMPT_COUNTS:
        for token in pattern.findall(question.prompt["en"]):
            token = token.lower()
            numbers.add(float(WORD_NUMBERS.get(token, token)))
    if re.search(r"\bpair\b", question.prompt["en"], re.IGNORECASE):
        numbers.add(2.0)
    return numbers


def leaks_in(
    question: Question,
    expected: dict[str, Any],
    runs: Iterable[tuple[str, Any, dict[str, Any]]],
) -> list[Leak]:
    """Leaks among `runs`: (variant, QuestionResult, the variant's values of the names). One
    leak per check (parametrized cases count as one check) and reason, the first variant that
    showed it."""
    numbers = public_numbers(question)
    seen: set[tuple[str, str]] = set()
    leaks: list[Leak] = []
    for variant, result, own in runs:
        for check in result.checks:
            if check.visibility != "hidden":
                continue
            texts = [check.name.partition("[")[2].rstrip("]")]
            if check.status in NOT_PASSED:
                texts.append(check.message)
            for text in texts:
                for reason in message_leaks(
                    text,
                    expected,
                    own,
                    kind=question.kind,
                    public_numbers=numbers,
                    public_text=question.prompt["en"],
                ):
                    key = (check.name.partition("[")[0], reason)
                    if key not in seen:
                        seen.add(key)
                        leaks.append(Leak(question.id, variant, check.name, text, reason))
    return leaks


def find_leaks(bank: Bank, question_ids: Iterable[str] | None = None) -> list[Leak]:
    """Run every mutant and the starter of each value, choice and predict question (of
    `question_ids`, or all) in this process and collect the leaks of their failure messages."""
    from .inprocess import AS_GRADED, run_in_process

    ids = list(question_ids) if question_ids is not None else list(bank.questions)
    leaks: list[Leak] = []
    for qid in ids:
        question = bank.questions[qid]
        if question.kind not in ANSWER_KINDS or question.source != "bank":
            continue
        expected = run_in_process(question, question.solution_for(question.variant(0))).values
        runs = []
        for variant, code in [("starter", question.starter)] + [
            (f"mutant:{m.name}", m.code) for m in question.mutants
        ]:
            run = run_in_process(question, code, AS_GRADED)
            runs.append((variant, run.result, run.values))
        leaks += leaks_in(question, expected, runs)
    return leaks


# -- hints --------------------------------------------------------------------------------------

MIN_CODE_LINE = 20  # shorter reference lines ("return x", "import torch") are not secrets


def reference_code_lines(question: Question) -> list[str]:
    """The reference's lines a student does not already have (prompt, starter and public
    checks show the others): a hint that quotes one hands over the answer."""
    public = (
        question.prompt["en"]
        + question.prompt.get("zh", "")
        + question.starter
        + "".join(c.doctest for c in question.public_checks)
    )
    lines = []
    for line in question.solution_for(question.variant(0)).splitlines():
        line = line.strip()
        if len(line) >= MIN_CODE_LINE and line not in public and not line.startswith("#"):
            lines.append(line)
    return lines


def hint_problems(question: Question, expected: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) for each mutant whose mistake or hint is missing a language, quotes the
    reference's code, or (for value, choice and predict questions) states the answer."""
    problems = []
    code = reference_code_lines(question)
    numbers = public_numbers(question)
    for mutant in question.mutants:
        field_name = f"mutants.{mutant.name}"
        for part, text in (("mistake", mutant.mistake), ("hint", mutant.hint or {})):
            missing = [lang for lang in ("en", "zh") if not str(text.get(lang, "")).strip()]
            if missing:
                problems.append(
                    (
                        f"{field_name}.{part}",
                        f"has no {' and no '.join(missing)} text: a diagnosed student reads it "
                        "in their language, so write both",
                    )
                )
        for lang, hint in (mutant.hint or {}).items():
            quoted = next(
                (line for line in code if " ".join(line.split()) in " ".join(hint.split())), None
            )
            if quoted:
                problems.append(
                    (
                        f"{field_name}.hint.{lang}",
                        f"quotes the reference's code ({quoted!r}): explain the idea and how to "
                        "check it, never the answer",
                    )
                )
        if question.kind in ANSWER_KINDS and mutant.hint:
            for reason in message_leaks(
                mutant.hint["en"],
                expected,
                kind=question.kind,
                public_numbers=numbers,
                public_text=question.prompt["en"],
            ):
                problems.append((f"{field_name}.hint.en", f"gives the answer away: {reason}"))
    return problems
