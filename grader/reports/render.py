"""Shared rendering: the Jinja environment (autoescape on) and Markdown for the bank's own text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment() -> Environment:
    # Autoescape is what keeps a student's "<script>" in an error message inert; templates never
    # use |safe on result data, only on HTML that markdown_to_html built with raw HTML disabled.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["readable_time"] = readable_time
    return env


def readable_time(iso: str) -> str:
    """ "2026-12-02T22:07:58+00:00" -> "2026-12-02 22:07 UTC" (a static page cannot know the
    reader's time zone; the <time> element around it keeps the exact instant)."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.tzinfo is not None else "")


def format_number(value: float | None) -> str:
    """Points and seconds as people write them: 5, 0.5, 57.5 (no trailing zeros)."""
    return "—" if value is None else f"{value:g}"


@cache
def _markdown() -> MarkdownIt:
    # "html": False escapes any raw HTML in the source instead of passing it through.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_to_html(text: str) -> Markup:
    """Bank text (prompts, hints) as HTML; raw HTML in it is escaped, not rendered."""
    return Markup(_markdown().render(text))


def markdown_inline_to_html(text: str) -> Markup:
    return Markup(_markdown().renderInline(text))
