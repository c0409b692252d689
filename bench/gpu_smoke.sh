#!/usr/bin/env bash
# GPU smoke test (under 5 minutes). On a CUDA machine: grade the preliminaries-core solution
# notebook and, for every bank question whose hidden checks take the `device` fixture, its
# reference and each of its mutants, with --device cuda; print which CUDA checks ran, passed and
# failed, and the time per submission on GPU vs CPU. Without CUDA: say so, run the CPU part, and
# exit 0 (so the script itself is tested on CPU-only machines).
#
# Exit 1 when something is wrong on the GPU: the solution or a reference loses points, a mutant
# is not caught, or a CPU check scores differently on a GPU run.
#
#   bench/gpu_smoke.sh            # uses .venv (runs scripts/setup.sh first when it is missing)
#   PYTHON=python3 bench/gpu_smoke.sh   # an interpreter that already has the grader installed
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PYTHON:-}" ]; then
  PY="$PYTHON"
elif [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
elif python3 -c "import grader, torch" 2>/dev/null; then
  PY=python3
else
  echo "gpu_smoke: setting up .venv (scripts/setup.sh)"
  ./scripts/setup.sh
  PY=.venv/bin/python
fi
# The grader's console script beside the interpreter, else the module (PYTHON may be a bare name).
GRADER="$(dirname "$(command -v "$PY")")/grader"
[ -f "$GRADER" ] && [ -x "$GRADER" ] || GRADER="$PY -m grader.cli"
export PYTHONUNBUFFERED=1

OUT_DIR="$(mktemp -d)"
trap 'rm -rf "$OUT_DIR"' EXIT

# 1. The real command line on the solution notebook: --device cuda where there is CUDA.
if "$PY" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "== grader grade solutions/preliminaries-core.ipynb --device cuda"
  $GRADER grade solutions/preliminaries-core.ipynb --assignment preliminaries-core \
    --device cuda --json "$OUT_DIR/solution-cuda.json" | tail -1
else
  echo "== no CUDA device here: the GPU part is skipped; --device cuda must refuse (exit 2):"
  set +e
  $GRADER grade solutions/preliminaries-core.ipynb --assignment preliminaries-core --device cuda
  code=$?
  set -e
  if [ "$code" != 2 ]; then
    echo "gpu_smoke: expected exit 2 from --device cuda without CUDA, got $code" >&2
    exit 1
  fi
fi

# 2. Every submission on CPU, then on CUDA when present, each engine warm for all of them.
exec timeout 280 "$PY" - <<'PY'
import statistics
import sys
import time
from pathlib import Path

import nbformat
import torch

from grader.bank.loader import load_bank
from grader.grade import grade_submission, plan_devices
from grader.sandbox import make_engine
from grader.judge.grading import question_checks
from grader.sandbox.base import Limits
from grader.submission import parse_submission

ASSIGNMENT = "preliminaries-core"
bank, problems = load_bank()
if problems:
    sys.exit(f"gpu_smoke: the bank has problems; run grader bank validate ({problems[0]})")

device_questions = [
    q for q in bank.questions.values() if any(c.device == "cuda" for c in question_checks(q))
]


def one_cell(name: str, code: str):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    return parse_submission(nbformat.writes(notebook).encode(), Path(name))


# (label, kind, submission, question ids or None for the whole assignment)
solution = Path("solutions") / f"{ASSIGNMENT}.ipynb"
submissions = [(str(solution), "solution", parse_submission(solution.read_bytes(), solution), None)]
for q in device_questions:
    submissions.append((f"{q.id} reference", "reference", one_cell(q.id, q.solution()), [q.id]))
    for mutant in q.mutants:
        submissions.append(
            (f"{q.id} mutant {mutant.name}", "mutant", one_cell(mutant.name, mutant.code), [q.id])
        )
print(
    f"{len(device_questions)} device questions ({', '.join(q.id for q in device_questions)}); "
    f"{len(submissions)} submissions"
)


def grade_all(device: str):
    devices = plan_devices(device)
    engine = make_engine("fork", gpu=device == "cuda")
    results, seconds = [], []
    try:
        for label, _, submission, qids in submissions:
            started = time.perf_counter()
            results.append(
                grade_submission(
                    submission, bank, ASSIGNMENT, engine, Limits(), devices, question_ids=qids
                )
            )
            seconds.append(time.perf_counter() - started)
    finally:
        engine.close()
    return results, seconds


def checks(result):
    return [(q["id"], c) for q in result["questions"] for c in q["checks"]]


cpu_results, cpu_seconds = grade_all("cpu")
print(
    f"CPU: {len(submissions)} submissions, median {statistics.median(cpu_seconds) * 1000:.0f} ms "
    f"per submission ({sum(cpu_seconds):.1f} s in all)"
)
cpu_cuda = [c for r in cpu_results for _, c in checks(r) if c.get("device") == "cuda"]
not_skipped = [c["name"] for c in cpu_cuda if c["status"] != "skipped"]
print(
    f"CPU: {len(cpu_cuda) - len(not_skipped)} of {len(cpu_cuda)} CUDA checks skipped "
    "(left out of the maximum)"
)
if not_skipped:
    sys.exit(f"PROBLEM: CUDA checks not skipped on the CPU: {', '.join(not_skipped[:5])}")

if not torch.cuda.is_available():
    print("no CUDA device on this machine: GPU part skipped (CPU part done)")
    sys.exit(0)

print(f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
gpu_results, gpu_seconds = grade_all("cuda")
problems = []
ran = passed = failed = 0
print(f"\n{'submission':<52} {'CPU ms':>7} {'GPU ms':>7}  CUDA checks")
for (label, kind, _, _), cpu, gpu, t_cpu, t_gpu in zip(
    submissions, cpu_results, gpu_results, cpu_seconds, gpu_seconds, strict=True
):
    cuda = [(qid, c) for qid, c in checks(gpu) if c.get("device") == "cuda"]
    not_run = [f"{qid}::{c['name']}" for qid, c in cuda if c["status"] == "skipped"]
    cuda = [(qid, c) for qid, c in cuda if c["status"] != "skipped"]
    ok = [f"{qid}::{c['name']}" for qid, c in cuda if c["status"] == "passed"]
    bad = [f"{qid}::{c['name']} [{c['status']}]" for qid, c in cuda if c["status"] != "passed"]
    ran, passed, failed = ran + len(cuda), passed + len(ok), failed + len(bad)
    print(
        f"{label:<52} {t_cpu * 1000:7.0f} {t_gpu * 1000:7.0f}  "
        f"{len(cuda)} ran, {len(ok)} passed, {len(bad)} failed"
    )
    for name in bad:
        print(f"    failed: {name}")
    for name in not_run:
        problems.append(f"{label}: {name} was skipped with --device cuda")
    if kind in ("solution", "reference") and gpu["score"] < gpu["max_score"]:
        problems.append(f"{label}: {gpu['score']:g}/{gpu['max_score']:g} on the GPU")
    if kind == "mutant" and not any(
        c["visibility"] == "hidden" and c["status"] in ("failed", "error", "timeout")
        for _, c in checks(gpu)
    ):
        problems.append(f"{label}: not caught on the GPU")
    # A check that does not depend on the device must score the same with CUDA present.
    cpu_scores = {(q, c["name"]): c["score"] for q, c in checks(cpu) if c.get("device") != "cuda"}
    for q, c in checks(gpu):
        if c.get("device") != "cuda" and cpu_scores.get((q, c["name"])) != c["score"]:
            problems.append(f"{label}: {q}::{c['name']} scores differently on CPU and GPU runs")

ratio = statistics.median(gpu_seconds) / statistics.median(cpu_seconds)
print(
    f"\nCUDA checks: {ran} ran, {passed} passed, {failed} failed "
    f"(failures expected only for mutants)"
)
print(
    f"median per submission: CPU {statistics.median(cpu_seconds) * 1000:.0f} ms, "
    f"GPU {statistics.median(gpu_seconds) * 1000:.0f} ms (GPU/CPU = {ratio:.2f}x)"
)
for problem in problems:
    print(f"PROBLEM: {problem}")
sys.exit(1 if problems else 0)
PY
