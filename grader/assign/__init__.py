"""assign: bank → student templates (zh, en) and solution notebooks."""

from pathlib import Path

from ..bank.model import Bank
from ..notebooks import default_templates_dir, generated_files


def write_assignment(
    bank: Bank,
    name: str,
    langs: tuple[str, ...] = ("zh", "en"),
    templates_dir: Path | None = None,
    solutions_dir: Path | None = None,
) -> list[Path]:
    """Write the templates for `langs` and the solution notebook; return the paths written."""
    templates_dir = templates_dir or default_templates_dir(bank)
    solutions_dir = solutions_dir or bank.solutions_dir
    written = []
    for path, text in generated_files(bank, name, templates_dir, solutions_dir).items():
        if path.parent == templates_dir and not any(
            path.name.endswith(f".{lang}.ipynb") for lang in langs
        ):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
