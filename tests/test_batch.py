"""grader batch: sources (folder, nbgrader, zip with hostile entries), warm workers, reruns,
--force, a broken notebook, a worker that dies, SIGKILL mid-batch, and a local Dask cluster."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path

import nbformat
import psutil
import pytest

from grader.batch.pool import WorkerPool
from grader.batch.runner import run_batch
from grader.batch.sources import SourceProblem, find_submissions
from grader.batch.worker import GradeConfig
from grader.gradebook.store import Gradebook
from grader.sandbox.base import Limits

from .conftest import ROOT
from .nbutil import SOLUTION, scores, solution_with, write_notebook

ASSIGNMENT = "preliminaries-core"
TEMPLATE = ROOT / "student_templates/preliminaries-core.en.ipynb"


def honest(path: Path, tag: str) -> Path:
    """The full-marks solution with a markdown cell naming `tag`: another file, same answers."""
    nb = nbformat.read(SOLUTION, 4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"Submitted by {tag}"))
    nbformat.write(nb, path)
    return path


def config(**kwargs) -> GradeConfig:
    limits = asdict(Limits(cell_timeout=20, notebook_timeout=120))
    return GradeConfig(assignment=ASSIGNMENT, device="cpu", limits=limits, **kwargs)


def db_rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT student, sha256, status, score, graded_at FROM submissions ORDER BY student"
        ).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# sources (no grading)
# ---------------------------------------------------------------------------------------------


def test_folder_students_are_file_stems(tmp_path):
    honest(tmp_path / "ann.ipynb", "ann")
    (tmp_path / "README.txt").write_text("not a submission")
    found = find_submissions(tmp_path, ASSIGNMENT)
    assert found.layout == "folder"
    assert [c.student for c in found.candidates] == ["ann"]
    assert found.candidates[0].read() == (tmp_path / "ann.ipynb").read_bytes()


def test_nbgrader_layout_and_timestamp(tmp_path):
    work = tmp_path / "submitted" / "ann" / ASSIGNMENT
    work.mkdir(parents=True)
    honest(work / "homework.ipynb", "ann")
    (work / "timestamp.txt").write_text("2026-11-20 10:00:00.123456 UTC")
    other = tmp_path / "submitted" / "ben" / "another-assignment"
    other.mkdir(parents=True)
    honest(other / "homework.ipynb", "ben")
    found = find_submissions(tmp_path, ASSIGNMENT)
    assert found.layout == "nbgrader"
    assert [(c.student, c.submitted_at) for c in found.candidates] == [
        ("ann", "2026-11-20T10:00:00+00:00")
    ]
    with pytest.raises(SourceProblem, match="assignment folders found: another-assignment"):
        find_submissions(tmp_path, "no-such-assignment")


def test_missing_or_empty_source_is_one_line(tmp_path):
    with pytest.raises(SourceProblem, match="no such file or folder"):
        find_submissions(tmp_path / "nope", ASSIGNMENT)
    with pytest.raises(SourceProblem, match="no notebooks found"):
        find_submissions(tmp_path, ASSIGNMENT)
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(SourceProblem, match="not a folder or a .zip"):
        find_submissions(tmp_path / "x.txt", ASSIGNMENT)


def hostile_zip(path: Path, tmp_path: Path, bomb_bytes: int) -> Path:
    """A zip with two good notebooks and one entry of each kind that must be refused."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(honest(tmp_path / "a.ipynb", "ann"), "class/ann.ipynb")
        archive.writestr("class/ben.ipynb", '{"cells": [')  # broken: graded as an error
        archive.writestr("../evil.ipynb", TEMPLATE.read_text())
        archive.writestr("/etc/abs.ipynb", TEMPLATE.read_text())
        archive.writestr("class/notes.txt", "not a notebook")
        archive.writestr("class/bomb.ipynb", b"\0" * bomb_bytes)
        link = zipfile.ZipInfo("class/link.ipynb")
        link.external_attr = (0o120777 << 16) | 0
        archive.writestr(link, "/etc/passwd")
    return path


def test_zip_refuses_hostile_entries_one_by_one(tmp_path):
    archive = hostile_zip(tmp_path / "in.zip", tmp_path, bomb_bytes=51 * 1024 * 1024)
    found = find_submissions(archive, ASSIGNMENT)
    try:
        assert sorted(c.student for c in found.candidates) == ["ann", "ben"]
        reasons = {r.label.split("!", 1)[1]: r.reason for r in found.refusals}
        assert "leaves the archive's folder" in reasons["../evil.ipynb"]
        assert "leaves the archive's folder" in reasons["/etc/abs.ipynb"]
        assert "not a notebook" in reasons["class/notes.txt"]
        assert "past the cap" in reasons["class/bomb.ipynb"]
        assert "symbolic link" in reasons["class/link.ipynb"]
    finally:
        found.close()
    assert not (tmp_path.parent / "evil.ipynb").exists()


def test_zip_entry_that_lies_about_its_size_is_refused(tmp_path):
    """A header claiming a small size over a big deflated stream: never inflated past the cap."""
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("liar.ipynb", b" " * (3 * 1024 * 1024))
    data = bytearray(path.read_bytes())
    size = (3 * 1024 * 1024).to_bytes(4, "little")
    # Patch the uncompressed size in the local header and the central directory to 100 bytes.
    for _ in range(2):
        at = data.index(size)
        data[at : at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    found = find_submissions(path, ASSIGNMENT, entry_cap=1024 * 1024)
    (candidate,) = found.candidates
    with pytest.raises(Exception, match="refused"):
        candidate.read()
    found.close()


def test_nbgrader_tree_inside_zip(tmp_path):
    path = tmp_path / "nbg.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(honest(tmp_path / "a.ipynb", "ann"), f"submitted/ann/{ASSIGNMENT}/hw.ipynb")
        archive.write(honest(tmp_path / "b.ipynb", "ben"), "submitted/ben/other/hw.ipynb")
        archive.write(honest(tmp_path / "c.ipynb", "cat"), "submitted/stray.ipynb")
    found = find_submissions(path, ASSIGNMENT)
    assert found.layout == "nbgrader in zip"
    assert [c.student for c in found.candidates] == ["ann"]
    assert [r.label for r in found.refusals] == ["nbg.zip!submitted/stray.ipynb"]
    found.close()


# ---------------------------------------------------------------------------------------------
# grading (warm workers)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    """One warm worker shared by the tests below (starting one costs seconds of imports)."""
    with WorkerPool(config(), 1) as warm:
        yield warm


def test_zip_batch_records_everything_then_reruns_skip(tmp_path, pool):
    archive = hostile_zip(tmp_path / "in.zip", tmp_path, bomb_bytes=2 * 1024 * 1024)
    db = tmp_path / "gb.sqlite"
    seen: list[str] = []
    report = run_batch(
        archive, config(), db, pool=pool, entry_cap=1024 * 1024, on_progress=seen.append
    )
    assert (report.graded, report.errors, report.skipped) == (1, 1, 0)
    assert len(report.refused) == 5
    with Gradebook(db) as book:
        by_student = {r.student: r for r in book.results(ASSIGNMENT)}
        assert len(book.refusals(ASSIGNMENT)) == 5
    assert by_student["ann"].result["score"] == by_student["ann"].result["max_score"] > 0
    assert by_student["ben"].result is None and "not a notebook" in by_student["ben"].error
    assert sorted(seen) == ["error", "graded"]  # the bomb was refused by its declared size

    before = db_rows(db)
    again = run_batch(archive, config(), db, pool=pool, entry_cap=1024 * 1024)
    assert (again.graded, again.errors, again.skipped) == (0, 0, 2)
    assert db_rows(db) == before  # nothing regraded, nothing duplicated


def test_force_regrades_in_place(tmp_path, pool):
    folder = tmp_path / "in"
    folder.mkdir()
    honest(folder / "ann.ipynb", "ann")
    (folder / "ben.ipynb").write_bytes(TEMPLATE.read_bytes())
    db = tmp_path / "gb.sqlite"
    run_batch(folder, config(), db, pool=pool)
    first = db_rows(db)
    time.sleep(1.1)  # graded_at has one-second resolution
    report = run_batch(folder, config(), db, pool=pool, force=True)
    second = db_rows(db)
    assert report.graded == 2 and len(second) == 2
    assert [row[:4] for row in second] == [row[:4] for row in first]  # same scores
    assert all(b[4] > a[4] for a, b in zip(first, second, strict=True))  # regraded
    with Gradebook(db) as book:
        ben = {r.student: r for r in book.results(ASSIGNMENT)}["ben"]
    assert ben.result["score"] < ben.result["max_score"]  # the blank template loses points


def test_a_worker_that_dies_is_replaced_and_its_submission_recorded(tmp_path, monkeypatch):
    """The in-process engine runs cells inside the worker, so os._exit kills the worker itself:
    the pool must record that submission as an error and grade the rest on a new worker."""
    # The cells run in the worker, unsandboxed: what they put in the temporary folder (the
    # template's public tests) goes under tmp_path, not /tmp, when the pool stops the worker.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    folder = tmp_path / "in"
    folder.mkdir()
    write_notebook(folder / "killer.ipynb", ["import os\nos._exit(3)"])
    honest(folder / "ann.ipynb", "ann")
    db = tmp_path / "gb.sqlite"
    report = run_batch(folder, config(engine="inprocess"), db, workers=1)
    with Gradebook(db) as book:
        by_student = {r.student: r for r in book.results(ASSIGNMENT)}
    assert "worker process died" in by_student["killer"].error
    assert by_student["ann"].result["score"] == by_student["ann"].result["max_score"]
    assert (report.graded, report.errors) == (1, 1)


def test_sigkill_mid_batch_loses_nothing_and_rerun_completes(tmp_path, pool):
    folder = tmp_path / "in"
    folder.mkdir()
    students = [f"s{i:02d}" for i in range(5)]
    for student in students:
        honest(folder / f"{student}.ipynb", student)
    db = tmp_path / "gb.sqlite"
    command = [
        sys.executable,
        "-m",
        "grader.cli",
        "batch",
        str(folder),
        "--assignment",
        ASSIGNMENT,
        "--db",
        str(db),
        "--workers",
        "1",
        "--device",
        "cpu",
        "--quiet",
    ]
    batch = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    done: list[tuple] = []
    while time.monotonic() < deadline and batch.poll() is None:
        if db.exists():
            try:
                done = db_rows(db)
            except sqlite3.OperationalError:
                done = []
            if done:
                break
        time.sleep(0.05)
    assert batch.poll() is None, (
        "the batch finished before it could be killed; use more submissions"
    )
    helpers = psutil.Process(batch.pid).children(recursive=True)  # workers, their sandboxes
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    # Orphaned workers notice the closed pipe and stop their sandboxes: nothing is left behind.
    _gone, alive = psutil.wait_procs(helpers, timeout=60)
    assert not alive, [p.cmdline()[:3] for p in alive]
    killed_with = db_rows(db)
    assert 1 <= len(killed_with) < len(students)

    # The rerun goes through the same code as the command, on the tests' warm worker.
    rerun = run_batch(folder, config(), db, pool=pool)
    final = db_rows(db)
    assert sorted(row[0] for row in final) == students  # each exactly once
    assert all(row[2] == "graded" for row in final)
    assert set(killed_with) <= set(final)  # grades finished before the kill were kept as they were
    assert rerun.skipped == len(killed_with)
    assert rerun.graded == len(students) - len(killed_with)


def test_local_dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    honest(folder / "ann.ipynb", "ann")
    (folder / "ben.ipynb").write_text("{}")
    db = tmp_path / "gb.sqlite"
    report = run_batch(folder, config(), db, workers=1, cluster="local")
    assert (report.graded, report.errors) == (1, 1)
    with Gradebook(db) as book:
        by_student = {r.student: r for r in book.results(ASSIGNMENT)}
    assert by_student["ann"].result["score"] == by_student["ann"].result["max_score"]
    assert "not a Jupyter notebook" in by_student["ben"].error


def test_cli_batch_bad_input_is_exit_2(tmp_path, capsys):
    from grader.cli import main

    assert main(["batch", str(tmp_path / "nope"), "--assignment", ASSIGNMENT, "--db", "x"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--assignment", "nope", "--db", "x"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_worker_validator_agrees_with_jsonschema(tmp_path, pool):
    """Workers validate results with a compiled validator; it must reject what jsonschema does."""
    import copy

    import jsonschema

    from grader.bank.loader import schema
    from grader.grade import result_validator

    folder = tmp_path / "in"
    folder.mkdir()
    honest(folder / "ann.ipynb", "ann")
    db = tmp_path / "gb.sqlite"
    run_batch(folder, config(), db, pool=pool)
    with Gradebook(db) as book:
        (stored,) = book.results(ASSIGNMENT)
    validate = result_validator()
    validate(stored.result)
    jsonschema.validate(stored.result, schema("result"))
    broken = []
    for path, value in (
        (("questions", 0, "checks", 0, "status"), "bogus"),
        (("submission_sha256",), "not-a-sha"),
        (("cells", 0, "error"), {"type": 1}),
        (("score",), -1),
    ):
        result = copy.deepcopy(stored.result)
        target = result
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        broken.append(result)
    broken.append({**copy.deepcopy(stored.result), "extra": 1})
    for result in broken:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(result, schema("result"))
        with pytest.raises(Exception, match="must"):
            validate(result)


def test_the_batch_parent_never_imports_torch(tmp_path):
    """Workers import torch; the parent only hashes files and writes the gradebook, and
    importing torch there (~2 s) would delay every worker's start."""
    (tmp_path / "subs").mkdir()
    write_notebook(tmp_path / "subs" / "alice.ipynb", ["x = 1"])
    script = tmp_path / "run_batch.py"
    script.write_text(
        "import sys\n"
        "from grader.cli import main\n"
        "if __name__ == '__main__':\n"
        "    code = main(sys.argv[1:])\n"
        "    print('torch imported:', 'torch' in sys.modules)\n"
        "    sys.exit(code)\n"
    )
    args = ["batch", str(tmp_path / "subs"), "--assignment", "preliminaries-core"]
    args += ["--db", str(tmp_path / "gb.sqlite"), "--workers", "1", "--quiet"]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1 graded" in done.stdout
    assert "torch imported: False" in done.stdout


def test_the_worker_servers_preload_starts_no_thread_and_leaves_cuda_alone():
    """Workers are forked from a fork server that imported batch/preload.py: it must start no
    thread (a lock held by one at the fork stays held in the child), and a forked child cannot
    use CUDA initialised before the fork. numpy's import starts OpenBLAS's pool, which stops
    itself around a fork (as in the sandbox's zygote): nothing beyond that."""
    script = (
        "import os, sys, threading\n"
        "import numpy\n"
        "with_numpy = len(os.listdir('/proc/self/task'))\n"
        "import grader.batch.preload\n"
        "import torch\n"
        "print(len(os.listdir('/proc/self/task')) - with_numpy, threading.active_count(),\n"
        "      torch.cuda.is_initialized(), 'grader.grade' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "1", "False", "True"]


def test_workers_take_the_environment_the_pool_starts_with(tmp_path, monkeypatch):
    """The fork server keeps the environment it started with; each worker takes the parent's
    as it is when the pool starts, as a spawned worker would. (The in-process engine runs the
    cells in the worker itself, so they see its environment.)"""
    grid = (
        "import os, torch\n"
        "def make_grid(rows, cols):\n"
        "    assert os.environ.get('D2L_GRADER_TEST_MARK') == 'now'\n"
        "    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
    )
    folder = tmp_path / "in"
    folder.mkdir()
    solution_with(folder / "ann.ipynb", {"grid": grid})
    grid_scores = {}
    for mark in ("before", "now"):
        monkeypatch.setenv("D2L_GRADER_TEST_MARK", mark)
        db = tmp_path / f"{mark}.sqlite"
        run_batch(folder, config(engine="inprocess"), db, workers=1)
        with Gradebook(db) as book:
            (row,) = book.results(ASSIGNMENT)
        grid_scores[mark] = scores(row.result)["grid"]
    assert grid_scores["before"] == 0 < grid_scores["now"]


def test_pool_workers_are_forked_from_the_server_that_imported_the_preload():
    config = GradeConfig(assignment="preliminaries-core", engine="inprocess")
    with WorkerPool(config, 1) as pool:
        (worker,) = pool._workers
        server = " ".join(psutil.Process(worker.process.pid).parent().cmdline())
    assert "multiprocessing.forkserver" in server and "'grader.batch.preload'" in server


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to pin to one")
def test_a_worker_and_its_sandbox_share_one_cpu():
    """A pool worker pins itself to one CPU before its sandbox starts: the zygote and each
    submission's child inherit it (their hand-overs stay on one CPU; docs/performance.md)."""
    script = (
        "import json, os, psutil\n"
        "from grader.batch.pool import pin_to_one_cpu\n"
        "from grader.sandbox import make_engine\n"
        "pin_to_one_cpu(1)\n"
        "engine = make_engine('fork', batch=True)\n"
        "engine.isolation()\n"
        "masks = {tuple(sorted(p.cpu_affinity())) for p in psutil.Process().children(recursive=True)}\n"
        "print(json.dumps([sorted(os.sched_getaffinity(0)), sorted(masks)]))\n"
        "engine.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    own, masks = json.loads(done.stdout)
    allowed = sorted(os.sched_getaffinity(0))
    assert own == [allowed[1]]
    assert masks == [[allowed[1]]]  # bubblewrap, the zygote, its janitors and its warm child
