"""`grader ci`, the public bank, and the workflow templates under ci/github/.

The workflow tests load each YAML, check its structure, then run exactly the `run:` scripts that
call `grader`, with the environment the workflow sets, in a temporary folder that holds sample
submissions (the steps that install or check out are GitHub's business, not ours)."""

from __future__ import annotations

import base64
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import nbformat
import pytest
import torch
import yaml
from junitparser import Error, Failure, JUnitXml, Skipped

from grader.bank.loader import load_bank
from grader.ci.commands import find_notebooks, parse_min_score
from grader.ci.publicbank import MARKER, write_public_bank
from grader.cli import UsageProblem, main

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / "ci" / "github"
SOLUTION = ROOT / "solutions" / "preliminaries-core.ipynb"
TEMPLATE = ROOT / "student_templates" / "preliminaries-core.en.ipynb"
ASSIGNMENT = "preliminaries-core"
BIN = Path(sys.executable).parent
HAS_CUDA = torch.cuda.is_available()


def run_ci(argv, monkeypatch, capsys, tmp_path, cwd=None):
    """`grader ci ARGV` in this process with GitHub's files set; (exit code, out, err, summary,
    outputs)."""
    summary, outputs = tmp_path / "step_summary.md", tmp_path / "github_output.txt"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    if cwd is not None:
        monkeypatch.chdir(cwd)
    code = main(["ci", *argv])
    captured = capsys.readouterr()
    read = lambda p: p.read_text(encoding="utf-8") if p.exists() else ""  # noqa: E731
    return code, captured.out, captured.err, read(summary), read(outputs)


def public_points(bank) -> float:
    return sum(c.points for q in bank.assignment_questions(ASSIGNMENT) for c in q.public_checks)


def crashing_solution(path: Path) -> int:
    """The solution notebook plus a cell that kills its process; returns that cell's index."""
    notebook = nbformat.read(SOLUTION, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import os\nos._exit(3)"))
    nbformat.write(notebook, path)
    return len(notebook.cells) - 1


# ---------------------------------------------------------------------------------------------
# grader ci
# ---------------------------------------------------------------------------------------------


def test_junit_summary_points_and_classroom_result(bank, core_max, tmp_path, monkeypatch, capsys):
    work = tmp_path / "repo"
    (work / ".ipynb_checkpoints").mkdir(parents=True)
    crash_index = crashing_solution(work / "alice.ipynb")
    shutil.copy(TEMPLATE, work / "bob.ipynb")
    shutil.copy(SOLUTION, work / ".ipynb_checkpoints" / "alice-checkpoint.ipynb")
    (work / "broken.ipynb").write_text("{not json", encoding="utf-8")
    junit = tmp_path / "out" / "junit.xml"

    code, out, err, summary, outputs = run_ci(
        ["--assignment", ASSIGNMENT, "--junit", str(junit), "--device", "cpu"],
        monkeypatch,
        capsys,
        tmp_path,
        cwd=work,
    )

    assert code == 2, err  # the broken notebook is unusable input; the others are still graded
    assert "broken.ipynb: not a notebook" in err
    full = core_max
    assert f"Points {full:g}/{2 * full:g}" in out.splitlines()

    # JUnit, read back by an independent parser: a suite per notebook, checkpoints skipped.
    xml = JUnitXml.fromfile(str(junit))
    suites = {suite.name: suite for suite in xml}
    assert sorted(suites) == ["alice.ipynb", "bob.ipynb", "broken.ipynb"]
    checks = [
        (q.id, name)
        for q in bank.assignment_questions(ASSIGNMENT)
        for name in _check_names(bank, q.id)
    ]
    for name in ("alice.ipynb", "bob.ipynb"):
        cases = [case for case in suites[name] if case.classname != "cells"]
        assert [case.name for case in cases] == [f"{q}::{c}" for q, c in checks]
        skipped = [case for case in cases if any(isinstance(r, Skipped) for r in case.result)]
        assert skipped and all(case.name.endswith("-cuda]") for case in skipped)
        assert all("no CUDA device" in case.result[0].message for case in skipped)
        assert not any(
            isinstance(r, (Failure, Error)) for case in skipped for r in case.result
        )  # CUDA checks on a CPU runner are skipped, never failed
    alice = suites["alice.ipynb"]
    alice_cases = list(alice)
    assert alice.failures == 0 and alice.skipped == len(skipped)
    crashed = [case for case in alice_cases if case.classname == "cells"]
    assert [case.name for case in crashed] == [f"cell::{crash_index}"]
    assert isinstance(crashed[0].result[0], Error) and crashed[0].result[0].type == "crashed"
    assert alice.errors == 1 and alice.tests == len(checks) + 1
    bob = suites["bob.ipynb"]
    assert bob.failures + bob.errors == len(checks) - len(skipped)  # the template passes nothing
    broken = list(suites["broken.ipynb"])
    assert len(broken) == 1 and isinstance(broken[0].result[0], Error)
    assert xml.tests == sum(s.tests for s in suites.values())
    assert xml.failures == sum(s.failures for s in suites.values())
    assert xml.errors == sum(s.errors for s in suites.values())

    # The job summary: a table per graded notebook, the unusable one named, the total.
    assert summary.count("| question | points | not passed |") == 2
    grid = f"{bank.questions['grid'].points:g}"
    assert f"| grid | {grid} / {grid} | ✓ |" in summary and f"| grid | 0 / {grid} |" in summary
    assert "Not graded: broken.ipynb" in summary
    assert f"**Total: Points {full:g}/{2 * full:g}**" in summary
    assert "left out of the maximum" in summary

    # The GitHub Classroom reporter's input: base64 JSON whose scores add up to the Points line.
    values = dict(line.split("=", 1) for line in outputs.splitlines())
    assert values["points"] == f"{full:g}/{2 * full:g}"
    payload = json.loads(base64.b64decode(values["result"]))
    assert payload["version"] == 1 and payload["status"] == "error"
    assert payload["max_score"] == 2 * full
    assert sum(t["score"] for t in payload["tests"]) == full
    assert not any(t["name"].endswith("-cuda]") for t in payload["tests"])


def _check_names(bank, qid):
    from grader.judge.grading import question_checks

    return [check.name for check in question_checks(bank.questions[qid])]


def test_min_score_exit_codes(tmp_path, monkeypatch, capsys):
    shutil.copy(SOLUTION, tmp_path / "alice.ipynb")
    shutil.copy(TEMPLATE, tmp_path / "bob.ipynb")
    code, out, err, summary, _ = run_ci(
        ["alice.ipynb", "bob.ipynb", "--assignment", ASSIGNMENT, "--public-only"]
        + ["--device", "cpu", "--min-score", "0.6"],
        monkeypatch,
        capsys,
        tmp_path,
        cwd=tmp_path,
    )
    assert code == 1
    assert re.search(r"bob\.ipynb scored 0/[\d.]+, below --min-score 60%", err), err
    assert "alice.ipynb scored" not in err
    assert "(minimum 60%: NOT met)" in summary
    code, out, err, _, _ = run_ci(
        ["alice.ipynb", "--assignment", ASSIGNMENT, "--public-only", "--device", "cpu"]
        + ["--min-score", "100%"],
        monkeypatch,
        capsys,
        tmp_path,
        cwd=tmp_path,
    )
    assert code == 0, err
    points = [line for line in out.splitlines() if line.startswith("Points ")]
    assert len(points) == 1 and re.fullmatch(r"Points ([\d.]+)/\1", points[0]), points


def test_unusable_input_exits_2_with_one_line(bank, tmp_path, monkeypatch, capsys):
    shutil.copy(SOLUTION, tmp_path / "alice.ipynb")
    public = tmp_path / "public"
    write_public_bank(bank, [ASSIGNMENT], public)
    cases = [
        (["alice.ipynb", "--min-score", "60"], "is outside 0..1"),
        (["alice.ipynb", "--min-score", "lots"], "is not a number"),
        (["empty-folder"], "no .ipynb notebook found in empty-folder"),
        (["missing.ipynb"], "missing.ipynb: no such file or folder"),
        (["alice.ipynb", "--assignment", "nope"], "unknown assignment 'nope'"),
    ]
    if not HAS_CUDA:
        cases.append((["alice.ipynb", "--device", "cuda"], "no usable CUDA device"))
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.chdir(tmp_path)
    for argv, message in cases:
        if "--assignment" not in argv:
            argv = [*argv, "--assignment", ASSIGNMENT]
        assert main(["ci", *argv]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1, (argv, err)
    # A public bank has no hidden checks: all-checks grading is refused, not scored 0.
    assert (
        main(["--bank", str(public / "bank"), "ci", "alice.ipynb", "--assignment", ASSIGNMENT]) == 2
    )
    assert "is a public bank" in capsys.readouterr().err


def test_a_grader_failure_is_recorded_and_exits_1(tmp_path, monkeypatch, capsys):
    """The grader breaking on one notebook (not the student's fault) is reported as such, the
    other notebooks are still graded, and the exit code is 1, not 2."""
    import grader.ci.commands as commands

    class BrokenGrader:
        def grade(self, submission, **kwargs):
            raise RuntimeError("simulated grader bug")

        def close(self):
            pass

    def broken_grader(args, bank, name, engine=None, **kwargs):
        if engine is not None:  # the sandbox cmd_ci launched for it
            engine.close()
        return BrokenGrader()

    monkeypatch.setattr(commands, "grader_from_args", broken_grader)
    shutil.copy(SOLUTION, tmp_path / "broken-grader.ipynb")
    junit = tmp_path / "junit.xml"
    code, out, err, summary, _ = run_ci(
        ["broken-grader.ipynb", "--assignment", ASSIGNMENT, "--junit", str(junit)],
        monkeypatch,
        capsys,
        tmp_path,
        cwd=tmp_path,
    )
    assert code == 1
    assert "the grader failed: RuntimeError: simulated grader bug" in err
    (suite,) = JUnitXml.fromfile(str(junit))
    (case,) = list(suite)
    assert case.name == "notebook::grade" and case.result[0].type == "grader-failure"
    assert "Not graded: broken-grader.ipynb: the grader failed" in summary


def test_summary_escapes_student_text():
    from grader.ci.junit import NotebookOutcome, junit_xml
    from grader.ci.summary import markdown_summary

    hostile = "raised ValueError: <script>alert(1)</script> | col\n## heading \x00"
    check = {"name": "test_x", "score": 0, "max_score": 1, "status": "error"}
    result = {
        "assignment": ASSIGNMENT,
        "score": 0,
        "max_score": 1,
        "checks": "all",
        "questions": [
            {"id": "grid", "score": 0, "max_score": 1, "checks": [{**check, "message": hostile}]}
        ],
        "cells": [{"index": 1, "status": "error", "error": {"type": "X", "message": hostile}}],
        "devices": {"graded_on": ["cpu"]},
        "engine": "fork",
        "timings": {"total_s": 0.1},
    }
    summary = markdown_summary([NotebookOutcome("a|b.ipynb", result)], None)
    assert "<script>" not in summary and "&lt;script&gt;" in summary
    assert "\\| col" in summary and "a\\|b.ipynb" in summary
    assert "\n## heading" not in summary  # one line per table cell
    root = ET.fromstring(junit_xml([NotebookOutcome("a.ipynb", result)]))  # control chars gone
    assert root.get("errors") == "2"


def test_min_score_and_notebook_search_units(tmp_path):
    assert parse_min_score("0.6") == pytest.approx(0.6)
    assert parse_min_score("60%") == pytest.approx(0.6)
    assert parse_min_score("1") == 1.0
    with pytest.raises(UsageProblem):
        parse_min_score("1.5")
    (tmp_path / "a" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / ".venv").mkdir()
    for name in (
        "a/x.ipynb",
        "a/.ipynb_checkpoints/x-checkpoint.ipynb",
        ".venv/y.ipynb",
        "z.ipynb",
    ):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    found = find_notebooks([str(tmp_path), str(tmp_path / "z.ipynb")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/x.ipynb", "z.ipynb"]


def test_public_bank_holds_no_hidden_checks_or_answers(bank, tmp_path):
    written = write_public_bank(bank, [ASSIGNMENT], tmp_path / "pb")
    root = tmp_path / "pb"
    assert (root / "bank" / MARKER).exists()
    public, problems = load_bank(root / "bank")
    assert problems == [] and public.public
    assert len(written) == len(bank.assignments[ASSIGNMENT].question_ids)
    for question in bank.assignment_questions(ASSIGNMENT):
        folder = root / "bank" / question.topic / question.id
        assert not (folder / "checks.py").exists()
        assert not (root / "solutions").exists()
        data = yaml.safe_load((folder / "question.yaml").read_text(encoding="utf-8"))
        assert "catches" not in data
        assert all(m["mistake"] == "withheld from the public bank" for m in data["mutants"])
        for mutant in question.mutants:
            assert mutant.code not in (folder / "question.yaml").read_text(encoding="utf-8")
        assert [c["doctest"] for c in data["public_checks"]] == [
            c.doctest for c in question.public_checks
        ]
    # Refuses to overwrite a folder that is not a public bank; replaces an older public bank.
    write_public_bank(bank, [ASSIGNMENT], root)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_public_bank(bank, [ASSIGNMENT], tmp_path / "other")
    assert (tmp_path / "other" / "keep.txt").exists()


def test_public_bank_keeps_only_the_public_cases_of_an_otter_import(bank_copy, tmp_path):
    from grader.bank.loader import load_bank

    copy, problems = load_bank(bank_copy)
    assert problems == []
    question = copy.questions["grid"]
    data = yaml.safe_load(question.question_file.read_text(encoding="utf-8"))
    data["otter"] = {
        "cases": [
            {"name": "a", "hidden": False, "code": "PUBLIC-CASE"},
            {"name": "b", "hidden": True, "code": "HIDDEN-CASE"},
            {"name": "c", "code": "OTTER-DEFAULT-IS-HIDDEN"},
        ]
    }
    question.question_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    write_public_bank(copy, [ASSIGNMENT], tmp_path / "pb")
    text = (tmp_path / "pb" / "bank" / question.topic / "grid" / "question.yaml").read_text("utf-8")
    assert "PUBLIC-CASE" in text
    assert "HIDDEN-CASE" not in text and "OTTER-DEFAULT-IS-HIDDEN" not in text


# ---------------------------------------------------------------------------------------------
# Workflow templates
# ---------------------------------------------------------------------------------------------

WORKFLOW_FILES = ["student-autograde.yml", "course-grade.yml", "course-grade-gpu.yml"]


def load_workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps_of(workflow: dict) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def grader_lines(step: dict) -> list[str]:
    return [
        line.strip() for line in step.get("run", "").splitlines() if re.match(r"\s*grader\s", line)
    ]


def grader_steps(workflow: dict) -> list[dict]:
    return [step for step in steps_of(workflow) if grader_lines(step)]


_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def resolve_env(values: dict[str, str]) -> dict[str, str]:
    """`${{ vars.X || 'default' }}` -> default: what a repository without variables gets."""

    def one(match: re.Match) -> str:
        default = re.search(r"\|\|\s*'([^']*)'", match.group(1))
        return default.group(1) if default else ""

    return {key: _EXPRESSION.sub(one, str(value)) for key, value in values.items()}


def github_workflow_schema() -> dict:
    """SchemaStore's GitHub workflow schema, as vendored by check-jsonschema (read as a file, so
    none of that package's command-line machinery is imported)."""
    spec = importlib.util.find_spec("check_jsonschema")
    assert spec is not None, "check-jsonschema is missing: pip install -e '.[dev]'"
    folder = Path(spec.submodule_search_locations[0]) / "builtin_schemas" / "vendor"
    return json.loads((folder / "github-workflows.json").read_text(encoding="utf-8"))


def test_workflows_match_githubs_schema():
    validator = jsonschema.Draft7Validator(github_workflow_schema())
    for name in WORKFLOW_FILES:
        errors = [e.message for e in validator.iter_errors(load_workflow(name))]
        assert errors == [], (name, errors[:3])
    # The schema does reject a broken workflow (a step with both `uses` and `run`).
    broken = load_workflow("course-grade.yml")
    steps_of(broken)[0]["run"] = "true"
    assert list(validator.iter_errors(broken))


@pytest.mark.parametrize("name", WORKFLOW_FILES)
def test_workflow_structure(name):
    workflow = load_workflow(name)
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    (job,) = workflow["jobs"].values()
    assert job["timeout-minutes"] <= 60
    for step in job["steps"]:
        assert ("uses" in step) != ("run" in step), step
        assert step.get("name"), step
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]
        # Nothing from ${{ }} is pasted into a script (no expression injection), and no
        # script echoes its environment or traces commands.
        run = step.get("run", "")
        assert "${{" not in run, step["name"]
        assert not re.search(r"set -x|printenv|\benv\b\s*$|echo .*(TOKEN|SECRET)", run, re.M)
    # A secret only ever reaches a step through its env.
    for step in job["steps"]:
        for key, value in step.get("with", {}).items():
            assert "secrets." not in str(value), (step["name"], key)
    assert text.count("secrets.") == sum(
        "secrets." in str(v) for s in job["steps"] for v in s.get("env", {}).values()
    )
    assert all(grader_lines(step) for step in grader_steps(workflow))


def test_workflow_scripts_pass_shellcheck(tmp_path):
    """Every `run:` script, as GitHub runs it (bash -e), and bench/gpu_smoke.sh. shellcheck is a
    Debian package that scripts/setup.sh installs."""
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is missing: apt-get install shellcheck (scripts/setup.sh does)"
    scripts = [ROOT / "bench" / "gpu_smoke.sh"]
    for name in WORKFLOW_FILES:
        for index, step in enumerate(steps_of(load_workflow(name))):
            if "run" in step:
                script = tmp_path / f"{name}.{index}.sh"
                script.write_text("#!/bin/bash\nset -e\n" + step["run"], encoding="utf-8")
                scripts.append(script)
    result = subprocess.run(
        [shellcheck, "--severity=info", *map(str, scripts)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_student_workflow_runs_public_checks_only():
    workflow = load_workflow("student-autograde.yml")
    text = (WORKFLOWS / "student-autograde.yml").read_text(encoding="utf-8")
    assert "push" in workflow["on"]
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert "secrets." not in text  # a student controls this workflow: it gets no secret
    (step,) = grader_steps(workflow)
    (line,) = grader_lines(step)
    assert re.search(r"\bci\b", line) and "--public-only" in line and "--device cpu" in line
    assert "--junit" in line and step["id"] == "grader"
    reporter = next(s for s in job["steps"] if "autograding-grading-reporter" in s.get("uses", ""))
    assert reporter["with"]["runners"] == "grader"
    assert "steps.grader.outputs.result" in reporter["env"]["GRADER_RESULTS"]
    assert "always()" in reporter["if"]
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "grader-junit.xml" and "always()" in upload["if"]
    assert workflow["permissions"]["checks"] == "write"
    assert "batch" not in text and "export" not in text


@pytest.mark.parametrize(
    "name, labels, device",
    [
        ("course-grade.yml", "ubuntu-latest", "cpu"),
        ("course-grade-gpu.yml", ["self-hosted", "gpu"], "cuda"),
    ],
)
def test_course_workflows_grade_export_and_upload(name, labels, device):
    workflow = load_workflow(name)
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == labels
    lines = [line for step in grader_steps(workflow) for line in grader_lines(step)]
    assert lines[0].startswith("grader batch submissions/ ")
    assert "--db gradebook.sqlite" in lines[0] and f"--device {device}" in lines[0]
    assert any(line.startswith("grader export csv ") for line in lines)
    assert any(line.startswith("grader export json ") for line in lines)
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    paths = upload["with"]["path"].split()
    assert "exports/" in paths and "gradebook.sqlite" in paths and "always()" in upload["if"]
    # The GPU workflow grades exactly like the CPU one, on another runner and device.
    cpu = load_workflow("course-grade.yml")
    cpu_lines = [line for step in grader_steps(cpu) for line in grader_lines(step)]
    assert [line.replace("--device cuda", "--device cpu") for line in lines] == cpu_lines


def run_steps(workflow: dict, workdir: Path, tmp_path: Path) -> list[subprocess.CompletedProcess]:
    """Run each step that calls `grader`, as GitHub would: bash -e, the workflow's env (job and
    step), the step's working directory, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files."""
    (job,) = workflow["jobs"].values()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "CI": "true",
        **resolve_env(workflow.get("env", {})),
        **resolve_env(job.get("env", {})),
    }
    done = []
    for step in grader_steps(workflow):
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=workdir,
            env={**env, **resolve_env(step.get("env", {}))},
            capture_output=True,
            text=True,
            timeout=300,
        )
        done.append(result)
        if result.returncode != 0:
            break
    return done


def test_student_workflow_command_runs(bank, tmp_path):
    """The template repository holds the notebook and the public bank; the exact `grader ci`
    script of the workflow grades it with the public checks."""
    repo = tmp_path / "student-repo"
    repo.mkdir()
    shutil.copy(SOLUTION, repo / "preliminaries-core.en.ipynb")
    subprocess.run(
        [BIN / "grader", "public-bank", "grader-bank", "--assignment", ASSIGNMENT],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    workflow = load_workflow("student-autograde.yml")
    (result,) = run_steps(workflow, repo, tmp_path)
    assert result.returncode == 0, result.stderr
    points = public_points(bank)
    assert f"Points {points:g}/{points:g}" in result.stdout.splitlines()
    xml = JUnitXml.fromfile(str(repo / "grader-junit.xml"))
    names = [case.name for suite in xml for case in suite]
    assert names and all("::public: " in name for name in names)  # no hidden check ran
    assert "| question | points | not passed |" in (tmp_path / "summary.md").read_text("utf-8")
    assert "result=" in (tmp_path / "output.txt").read_text("utf-8")


def _submissions(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SOLUTION, folder / "alice.ipynb")
    shutil.copy(TEMPLATE, folder / "bob.ipynb")


def test_course_workflow_commands_run(tmp_path, core_max):
    course = tmp_path / "course"
    _submissions(course / "submissions")
    # A broken submission is recorded by the batch; it must not stop the exports.
    (course / "submissions" / "carol.ipynb").write_text("{oops", encoding="utf-8")
    workflow = load_workflow("course-grade.yml")
    results = run_steps(workflow, course, tmp_path)
    for result in results:
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert len(results) == len(grader_steps(workflow))
    with open(course / "exports" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert {"alice", "bob"} <= set(rows)
    assert float(rows["alice"]["total"]) == core_max and float(rows["bob"]["total"]) == 0
    assert json.loads((course / "exports" / "gradebook.json").read_text("utf-8"))
    # Every path the upload step names exists after the run.
    (job,) = workflow["jobs"].values()
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    for path in upload["with"]["path"].split():
        assert (course / path).exists(), path


def test_gpu_workflow_command_needs_cuda(tmp_path):
    """On this CPU-only machine the GPU workflow's first grader command stops at once with a
    one-line reason (exit 2) instead of grading on the CPU; on a CUDA machine it grades."""
    course = tmp_path / "course"
    _submissions(course / "submissions")
    results = run_steps(load_workflow("course-grade-gpu.yml"), course, tmp_path)
    if HAS_CUDA:
        assert all(r.returncode == 0 for r in results)
        return
    (result,) = results
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "grader: --device cuda was asked for, but this machine has no usable CUDA device"
    ]
