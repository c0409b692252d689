"""assign: bank → student templates (zh, en) and solution notebooks."""

from pathlib import Path

from ..bank.model import Bank
from ..notebooks import build_notebook, default_templates_dir, generated_files, notebook_text


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


def write_roster_notebooks(
    bank: Bank,
    name: str,
    students: list[str],
    out: Path,
    langs: tuple[str, ...],
    solutions: bool,
    secret: bytes | None,
) -> list[Path]:
    """One notebook per student and language, `OUT/<student>.<lang>.ipynb`, each question in
    that student's variant (the same draw the grader makes); with `solutions`, their reference
    answers too, `OUT/solutions/<student>.ipynb`. The student's id is printed in the title and
    kept in the metadata for display only: grading takes it from the source, never from there."""
    from ..grade import question_variants

    assignment = bank.assignments[name]
    questions = bank.assignment_questions(name)
    written = []
    for student in students:
        variants = question_variants(bank, name, questions, student, secret)
        targets = [
            (
                out / f"{student}.{lang}.ipynb",
                build_notebook(bank, assignment, lang, False, variants, student),
            )
            for lang in langs
        ]
        if solutions:
            targets.append(
                (
                    out / "solutions" / f"{student}.ipynb",
                    build_notebook(bank, assignment, "both", True, variants, student),
                )
            )
        for path, notebook in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(notebook_text(notebook), encoding="utf-8")
            written.append(path)
    return written
