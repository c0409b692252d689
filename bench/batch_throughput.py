"""Throughput of `grader batch`, measured side by side in one run on this machine.

Generates N submissions of preliminaries-core from solutions/preliminaries-core.ipynb and the
bank's mutants: 60% honest (full marks), 30% wrong (one answer replaced by a known-wrong
variant), 10% broken (half truncated JSON, half a notebook whose first cell raises). Then:

- `grader batch --workers 2` on all N (a subprocess, fresh gradebook): submissions per second
  end to end (worker start-up included) and from the first result to the last (warm), the
  median grading time per submission, and the peak RSS of the whole process tree;
- the kernel engine grading the first 5 one by one (the baseline), and the ratio;
- `otter run` on 5 of them, when `grader export otter` + `otter assign` can build an otter
  autograder for preliminaries-core (skipped with the reason otherwise);
- with --big-n M, the same batch on M submissions, to compare peak memory (should be flat).

    python bench/batch_throughput.py [--n 200] [--big-n 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions/preliminaries-core.ipynb"
ASSIGNMENT = "preliminaries-core"
SAMPLE_EVERY_S = 1.0


def generate(folder: Path, n: int) -> list[Path]:
    """N submission files: honest, wrong (a mutant), broken, in a fixed repeating mix."""
    from grader.bank.loader import load_bank

    bank, _ = load_bank()
    mutants = [
        (q.id, m.code)
        for q in bank.assignment_questions(ASSIGNMENT)
        for m in q.mutants
        if getattr(m, "code", None)
    ]
    base = nbformat.read(SOLUTION, as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"student{i:05d}.ipynb"
        kind = i % 10
        notebook = nbformat.from_dict(base)
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"student {i}"))
        if 6 <= kind <= 8:
            qid, code = mutants[i % len(mutants)]
            for cell in notebook.cells:
                meta = cell.metadata.get("d2l_grader", {})
                if meta.get("role") == "answer" and meta.get("question") == qid:
                    cell.source = code
        if kind == 9 and i % 20 == 9:
            path.write_text(nbformat.writes(notebook)[:5000], encoding="utf-8")  # truncated
        else:
            if kind == 9:
                notebook.cells.insert(1, nbformat.v4.new_code_cell("raise RuntimeError('oops')"))
            nbformat.write(notebook, path)
        paths.append(path)
    return paths


def cpu_seconds(process: psutil.Process, seen: dict[int, tuple[str, float, float]]) -> None:
    """Record, per process of the tree, its kind and its CPU seconds so far (its own, and its
    reaped children's: the zygote reaps each submission's child). The last sample of each
    process is what `cpu_by_kind` sums: a process's CPU only grows."""
    for proc in [process, *process.children(recursive=True)]:
        try:
            command = " ".join(proc.cmdline())
            times = proc.cpu_times()
            if proc.name() == "bwrap":
                continue  # it only waits for the zygote
        except psutil.Error:
            continue
        if proc.pid == process.pid:
            kind = "parent"
        elif "inside.zygote" in command:
            try:
                parent = proc.parent()
                forked = parent.name() != "bwrap" and "inside.zygote" in " ".join(parent.cmdline())
            except (psutil.Error, AttributeError):
                forked = False
            if forked:
                continue  # a submission's child or a janitor: counted when the zygote reaps it
            kind = "zygote"
        elif "multiprocessing" in command:
            kind = "worker"
        else:
            kind = "other"
        reaped = times.children_user + times.children_system
        seen[proc.pid] = (kind, times.user + times.system, reaped if kind == "zygote" else 0.0)


def cpu_by_kind(seen: dict[int, tuple[str, float, float]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for kind, own, reaped in seen.values():
        totals[kind] = totals.get(kind, 0.0) + own
        if reaped:
            totals["submissions (reaped by zygotes)"] = (
                totals.get("submissions (reaped by zygotes)", 0.0) + reaped
            )
    return totals


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over the process tree. RSS counts pages shared by forked children
    (torch, imported once in the zygote) once per process; PSS splits them, so its sum is the
    memory the tree really holds."""
    rss = pss = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def run_batch(
    folder: Path, db: Path, workers: int, extra: tuple[str, ...] = (), root: Path = ROOT
) -> dict:
    """`grader batch` of the checkout at `root` on `folder`, into a fresh gradebook `db`."""
    db.unlink(missing_ok=True)
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
        str(workers),
        "--device",
        "cpu",
        "--quiet",
        *extra,
    ]
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(root)}
    batch = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = [0, 0]
    process = psutil.Process(batch.pid)
    stop = threading.Event()

    seen: dict[int, tuple[str, float, float]] = {}

    def sample() -> None:
        # Once a second: reading PSS walks every page table of the tree (~40 ms of CPU for a
        # batch's dozen processes), which four times a second took ~8 % of the two cores
        # away from the batch being measured.
        while not stop.wait(SAMPLE_EVERY_S):
            rss, pss = tree_memory(process)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            cpu_seconds(process, seen)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = batch.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if batch.returncode != 0:
        raise SystemExit(f"grader batch failed ({batch.returncode}): {err.decode()[-2000:]}")
    con = sqlite3.connect(db)
    rows = con.execute("SELECT graded_at, total_s, status FROM submissions").fetchall()
    con.close()
    stamps = sorted(dt.datetime.fromisoformat(r[0]) for r in rows)
    warm = (stamps[-1] - stamps[0]).total_seconds()
    return {
        "n": len(rows),
        "wall": wall,
        "rate": len(rows) / wall,
        "warm_rate": (len(rows) - 1) / warm if warm > 0 else float("nan"),
        "median": statistics.median(r[1] for r in rows if r[1] is not None),
        "errors": sum(r[2] == "error" for r in rows),
        "peak_mb": peak[1] / 2**20,
        "peak_rss_mb": peak[0] / 2**20,
        "summary": out.decode().strip().splitlines()[-1],
        "cpu": cpu_by_kind(seen),
    }


def kernel_baseline(paths: list[Path]) -> list[float]:
    from grader.bank.loader import load_bank
    from grader.grade import grade_submission, plan_devices
    from grader.sandbox import make_engine
    from grader.submission import load_submission

    bank, _ = load_bank()
    engine = make_engine("kernel")
    times = []
    try:
        for path in paths:
            started = time.perf_counter()
            grade_submission(
                load_submission(path), bank, ASSIGNMENT, engine, None, plan_devices("cpu")
            )
            times.append(time.perf_counter() - started)
    finally:
        engine.close()
    return times


def otter_times(paths: list[Path], work: Path) -> tuple[list[float], str]:
    """`otter run` per submission, or ([], why it was skipped)."""
    otter = Path(sys.executable).with_name("otter")
    if not otter.exists():
        return [], "otter is not installed"
    master_dir = work / "otter-master"
    step = subprocess.run(
        [sys.executable, "-m", "grader.cli", "export", "otter", ASSIGNMENT, str(master_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if step.returncode != 0:
        return [], f"`grader export otter` failed: {(step.stderr or step.stdout).strip()[-300:]}"
    masters = list(master_dir.glob("*.ipynb"))
    if not masters:
        return [], "`grader export otter` wrote no master notebook"
    dist = work / "otter-dist"
    step = subprocess.run(
        [str(otter), "assign", str(masters[0]), str(dist)], capture_output=True, text=True
    )
    zips = list((dist / "autograder").glob("*.zip"))
    if step.returncode != 0 or not zips:
        return [], f"`otter assign` failed: {(step.stderr or step.stdout).strip()[-300:]}"
    times = []
    for index, original in enumerate(paths):
        # otter checks that a submission names its assignment in the notebook's metadata.
        notebook = nbformat.read(original, as_version=4)
        notebook.metadata["otter"] = {"assignment_name": ASSIGNMENT}
        path = work / f"otter-{original.name}"
        nbformat.write(notebook, path)
        out = work / f"otter-out-{index}"
        out.mkdir()
        started = time.perf_counter()
        step = subprocess.run(
            [str(otter), "run", "-a", str(zips[0]), "-o", str(out), str(path)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if step.returncode != 0:
            return [], f"`otter run` failed: {(step.stderr or step.stdout).strip()[-300:]}"
        times.append(time.perf_counter() - started)
    return times, ""


def print_cpu(batch: dict) -> None:
    """CPU seconds by kind of process (sampled once a second: the last second is missed)."""
    parts = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in sorted(batch["cpu"].items()))
    total = sum(batch["cpu"].values())
    print(f"  CPU seconds by process: {parts}; {total:.1f} in all over {batch['wall']:.1f} s")


def compare(work: Path, other: Path, workers: int, rounds: int) -> int:
    """`grader batch` of `other` and of this checkout, alternately, on the same submissions."""
    runs: dict[str, list[dict]] = {"other": [], "this": []}
    for index in range(rounds):
        for name, root in (("other", other), ("this", ROOT)):
            batch = run_batch(work / "subs", work / "gb.sqlite", workers, root=root)
            runs[name].append(batch)
            print(
                f"round {index + 1}, {root}: {batch['rate']:.1f}/s end to end "
                f"({batch['wall']:.1f} s for {batch['n']}), {batch['warm_rate']:.1f}/s warm, "
                f"median grading {batch['median'] * 1000:.0f} ms"
            )
            print_cpu(batch)
    for key, label in (("rate", "end to end"), ("warm_rate", "warm")):
        before = statistics.median(b[key] for b in runs["other"])
        after = statistics.median(b[key] for b in runs["this"])
        print(f"median {label}: {before:.1f}/s before, {after:.1f}/s now ({after / before:.2f}x)")
    walls = [b["wall"] for b in runs["this"]]
    print(f"this checkout's wall times: {', '.join(f'{w:.1f}' for w in walls)} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument(
        "--big-n", type=int, default=2000, help="a second, larger batch for memory (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--no-otter", action="store_true", help="skip otter run")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. a `git worktree` of an older commit): its `grader batch` "
        "and this one's run alternately on the same submissions, --rounds times, and only that",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --compare (default 3)")
    args = parser.parse_args()
    print(f"machine: {psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = generate(work / "subs", args.n)
        if args.compare:
            return compare(work, args.compare.resolve(), args.workers, args.rounds)
        batch = run_batch(work / "subs", work / "gb.sqlite", args.workers)
        print(f"grader batch --workers {args.workers}, N={batch['n']}: {batch['summary']}")
        print(
            f"  {batch['rate']:.2f} submissions/s end to end ({batch['wall']:.1f} s, worker start "
            f"included); {batch['warm_rate']:.2f}/s warm (first to last result)"
        )
        print_cpu(batch)
        print(
            f"  median grading time per submission {batch['median'] * 1000:.0f} ms; "
            f"peak memory of the process tree {batch['peak_mb']:.0f} MB PSS "
            f"({batch['peak_rss_mb']:.0f} MB summed RSS)"
        )
        kernel = kernel_baseline(paths[: args.baseline_runs])
        kernel_median = statistics.median(kernel)
        print(
            f"kernel engine, first {len(kernel)} one by one: median {kernel_median:.2f} s/submission"
        )
        print(
            f"  ratio: batch is {kernel_median * batch['rate']:.1f}x the kernel engine end to end, "
            f"{kernel_median * batch['warm_rate']:.1f}x warm"
        )
        if args.no_otter:
            print("otter run: skipped (--no-otter)")
        else:
            otter, why = otter_times(paths[: args.baseline_runs], work)
            if otter:
                otter_median = statistics.median(otter)
                print(
                    f"otter run, {len(otter)} one by one: median {otter_median:.2f} s/submission; "
                    f"batch is {otter_median * batch['rate']:.0f}x faster end to end, "
                    f"{otter_median * batch['warm_rate']:.0f}x warm"
                )
            else:
                print(f"otter run: skipped ({why})")
        if args.big_n:
            generate(work / "big", args.big_n)
            big = run_batch(work / "big", work / "big.sqlite", args.workers)
            print(
                f"N={big['n']}: {big['rate']:.2f}/s end to end, {big['warm_rate']:.2f}/s warm, "
                f"peak PSS {big['peak_mb']:.0f} MB vs {batch['peak_mb']:.0f} MB at N={batch['n']} "
                f"(ratio {big['peak_mb'] / batch['peak_mb']:.2f}; summed RSS {big['peak_rss_mb']:.0f} "
                f"vs {batch['peak_rss_mb']:.0f} MB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
