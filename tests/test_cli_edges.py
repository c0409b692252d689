"""Command-line edges an instructor hits (issue 25)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.cli import main

GRADER = str(Path(sys.executable).parent / "grader")


def test_bank_list_piped_prints_whole_ids(capsys, bank):
    assert main(["bank", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split("\t")[0] for line in lines]
    assert sorted(ids) == sorted(bank.questions)  # none cut ("manhattan-…")
    assert all(len(line.split("\t")) == 6 for line in lines)


def test_a_reader_that_leaves_early_ends_the_command_quietly():
    """`grader bank list --json | head`: the reader closes the pipe before the output is
    written; the command stops without a traceback."""
    process = subprocess.Popen(
        [GRADER, "bank", "list", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # gone before the command writes anything
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert stderr == ""


def test_batch_policy_is_recorded_and_followed_by_the_readers(tmp_path):
    from grader.gradebook.store import Gradebook

    db = tmp_path / "g.sqlite"
    with Gradebook(db) as book:
        assert book.policy == "latest"
        book.set_policy("best")
    with Gradebook(db) as book:
        assert book.policy == "best"  # what `grader export` and `grader report` open
    with Gradebook(db, policy="latest") as book:
        assert book.policy == "latest"  # an explicit choice wins


def test_batch_table_keeps_whole_reasons(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    reason_marker = "x" * 10
    (folder / "eve.ipynb").write_text("{" + reason_marker, encoding="utf-8")
    db = tmp_path / "g.sqlite"
    code = main(
        [
            "batch",
            str(folder),
            "--assignment",
            "preliminaries-core",
            "--db",
            str(db),
            "--workers",
            "1",
            "--policy",
            "best",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "the best counts" in out
    line = next(line for line in out.splitlines() if line.startswith("could not grade eve:"))
    assert "not a notebook" in line and line.rstrip().endswith(")")  # the whole reason
