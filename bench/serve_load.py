"""Load on the submission server: a burst of submissions from concurrent clients on loopback,
beside the same notebooks through `grader batch`, measured in one run.

Starts `grader serve` on 127.0.0.1 (a free port, 2 warm workers), then:
1. one submission on the idle warm server: upload to graded result;
2. N submissions (default 200) from C concurrent clients (default 50), each uploading and
   polling until graded: every one must be graded (none lost); prints p50 and p95 from upload
   to graded result and the sustained rate (graded per second over the burst);
3. the same N notebooks through `grader batch` (2 workers), for comparison.
Bounded: each client stops after its share; the whole run stops after --timeout seconds.

    python bench/serve_load.py [--submissions 200] [--clients 50]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
GRADER = str(Path(sys.executable).with_name("grader"))
NOTEBOOKS = [
    ROOT / "solutions" / "preliminaries-core.ipynb",
    ROOT / "student_templates" / "preliminaries-core.en.ipynb",
    ROOT / "student_templates" / "preliminaries-core.zh.ipynb",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def submit_and_wait(url: str, token: str, path: Path, deadline: float) -> float | None:
    """Seconds from upload to graded result, or None when not graded by `deadline`."""
    started = time.perf_counter()
    with path.open("rb") as handle:
        answer = requests.post(
            f"{url}/api/v1/submissions",
            headers={"Authorization": f"Bearer {token}"},
            files={"notebook": (path.name, handle)},
            data={"assignment": "preliminaries-core"},
            timeout=60,
        )
    if answer.status_code != 202:
        return None
    submission = answer.json()["id"]
    while time.monotonic() < deadline:
        view = requests.get(
            f"{url}/api/v1/submissions/{submission}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
        if view["status"] in ("graded", "not-graded"):
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        students = [f"s{i:03d}" for i in range(args.clients)]
        (work / "roster.csv").write_text("student\n" + "\n".join(students) + "\n")
        (work / "course.toml").write_text(
            f"[assignments.preliminaries-core]\ndaily_cap = {args.submissions + 10}\n"
        )
        subprocess.run(
            [GRADER, "serve", "tokens", "--roster", str(work / "roster.csv"), "--db",
             str(work / "course.sqlite"), "--out", str(work / "tokens.csv")],
            check=True, capture_output=True,
        )  # fmt: skip
        with (work / "tokens.csv").open() as handle:
            tokens = [row["token"] for row in csv.DictReader(handle)]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [GRADER, "serve", "--assignment", "preliminaries-core", "--db",
             str(work / "course.sqlite"), "--course", str(work / "course.toml"),
             "--port", str(port), "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            for _ in range(600):
                try:
                    requests.get(url, timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            deadline = time.monotonic() + args.timeout
            # Warm up both workers, then one submission on the idle warm server.
            with ThreadPoolExecutor(2) as pool:
                list(
                    pool.map(lambda t: submit_and_wait(url, t, NOTEBOOKS[0], deadline), tokens[:2])
                )
            time.sleep(1.0)
            idle = [submit_and_wait(url, tokens[0], NOTEBOOKS[0], deadline) for _ in range(3)]
            jobs = [
                (tokens[i % len(tokens)], NOTEBOOKS[i % len(NOTEBOOKS)])
                for i in range(args.submissions)
            ]
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                latencies = list(pool.map(lambda job: submit_and_wait(url, *job, deadline), jobs))
            burst = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
        graded = [x for x in latencies if x is not None]
        # The same notebooks through `grader batch`, side by side.
        folder = work / "batch"
        folder.mkdir()
        for index, (_, path) in enumerate(jobs):
            shutil.copy(path, folder / f"b{index:04d}.ipynb")
        started = time.perf_counter()
        subprocess.run(
            [GRADER, "batch", str(folder), "--assignment", "preliminaries-core", "--db",
             str(work / "batch.sqlite"), "--workers", "2", "--quiet"],
            check=True, capture_output=True,
        )  # fmt: skip
        batch = time.perf_counter() - started
    quantiles = statistics.quantiles(graded, n=20) if len(graded) > 1 else [0.0] * 19
    print(
        f"single submission on an idle warm server: {statistics.median(idle):.3f} s (median of 3)"
    )
    print(
        f"burst: {args.submissions} submissions from {args.clients} clients: "
        f"{len(graded)} graded, {args.submissions - len(graded)} lost"
    )
    print(
        f"  upload to graded result: p50 {statistics.median(graded):.2f} s, p95 {quantiles[18]:.2f} s"
    )
    print(f"  sustained rate: {len(graded) / burst:.1f} graded/s over {burst:.1f} s")
    print(
        f"grader batch, same {args.submissions} notebooks, 2 workers: {batch:.1f} s "
        f"({args.submissions / batch:.1f}/s, incl. ~start-up)"
    )
    print(f"ratio server/batch wall time: {burst / batch:.2f}")
    return 0 if len(graded) == args.submissions else 1


if __name__ == "__main__":
    sys.exit(main())
