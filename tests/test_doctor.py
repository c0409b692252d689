"""`grader doctor` and `--strict-isolation`: what the sandbox has is checked, said, and enforced."""

from __future__ import annotations

import json

from grader.cli import main
from grader.sandbox.isolation import bwrap_works

from .conftest import ROOT

SOLUTION = ROOT / "solutions" / "preliminaries-core.ipynb"


def test_doctor_reports_full_isolation_here(capsys):
    # CI runs as root with bubblewrap installed by scripts/setup.sh: full isolation expected.
    assert bwrap_works()[0], bwrap_works()[1]
    code = main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    failed = [f for f in report["fork_engine"]["probe"] if not f["ok"]]
    assert failed == []
    assert code == 0 and report["full_isolation"] is True
    whats = {f["what"] for f in report["fork_engine"]["probe"]}
    assert {"unprivileged uid", "no network", "cannot see the question bank"} <= whats
    assert report["kernel_engine"]["isolation"]["mechanism"] == "bwrap"
    assert (report["cuda_in_sandbox"] is None) == (not report["cuda"])


def test_the_cuda_probe_runs_in_a_gpu_sandbox_and_says_what_failed():
    """On a GPU runner doctor uses CUDA and autograd in a GPU engine's child (bench/gpu_smoke.sh
    and the H100 run check the passing side). Without CUDA the same probe must fail with
    torch's own reason, not pass or crash."""
    import torch

    from grader.doctor import probe_cuda_in_sandbox

    finding = probe_cuda_in_sandbox()
    if torch.cuda.is_available():
        assert finding.ok, finding.detail
    else:
        assert not finding.ok
        assert "CUDA" in finding.detail and "Error" in finding.detail


def test_strict_isolation_refuses_without_a_sandbox(tmp_path, capsys):
    code = main(
        [
            "grade",
            str(SOLUTION),
            "--assignment",
            "preliminaries-core",
            "--isolation",
            "none",
            "--strict-isolation",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--strict-isolation" in err and "no OS sandbox" in err
    assert len(err.strip().splitlines()) == 1


def test_without_a_sandbox_the_result_says_what_was_missing(tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(
        [
            "grade",
            str(SOLUTION),
            "--assignment",
            "preliminaries-core",
            "--isolation",
            "none",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    isolation = json.loads(out.read_text())["isolation"]
    assert isolation["mechanism"] == "none" and isolation["full"] is False
    assert any("network" in m for m in isolation["missing"])


def test_doctor_probes_the_bank_it_is_given(tmp_path, capsys):
    """`grader --bank DIR doctor`: the course's own bank and solutions are among the paths the
    sandbox must not see."""
    from .test_validity import make_tiny_bank

    bank = make_tiny_bank(tmp_path)
    code = main(["--bank", str(bank), "doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    probes = {f["what"]: f for f in report["fork_engine"]["probe"]}
    assert probes["cannot see the --bank question bank"]["ok"]
    assert probes["cannot see the --bank reference solutions"]["ok"]
    assert code == 0
