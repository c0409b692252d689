"""Attacks on resources: memory, disk, open files, output, time, stdin, huge return values.

The limits must hold (the attack cell fails, times out or is cut) while the student's answers
are still graded in full, in bounded time, on a clean host.
"""

from __future__ import annotations

import json
import resource

import pytest

from .notebooks import code, solution_plus

HOGS = {
    "memory: one huge allocation": "x = bytearray(10**11)",
    "memory: a 4 GB tensor": "import torch\nbig = torch.ones(10**9)",
    "memory: growing until refused": code(
        """
        def hog():
            chunks = []
            while True:
                chunks.append(bytearray(10**7))
        hog()
        """
    ),
    "disk: a sparse 4 GB file": code(
        """
        with open('big.bin', 'wb') as handle:
            handle.seek(4 * 2**30)
            handle.write(b'x')
        """
    ),
    "disk: 4 GB written for real": code(
        """
        import os
        chunk = b'x' * 2**20
        for folder in ('.', '/tmp', '/dev/shm', os.environ.get('TMPDIR', '.')):
            for index in range(64):
                try:
                    with open(os.path.join(folder, f'fill{index}.bin'), 'wb') as handle:
                        for _ in range(64):
                            handle.write(chunk)
                except OSError:
                    break
        raise OSError('the disk filled up, as it should')
        """
    ),
    "open files": "handles = [open(f'f{i}', 'w') for i in range(5000)]",
    "pipes and sockets": code(
        """
        import os, socket
        held = []
        for _ in range(5000):
            held.append(os.pipe())
            held.append(socket.socketpair())
        """
    ),
}


@pytest.mark.parametrize("name", sorted(HOGS))
def test_a_resource_hog_is_stopped(attack, full_scores, tmp_path, name):
    path, cells = solution_plus(tmp_path / "hog.ipynb", HOGS[name])
    graded = attack.grade(path)
    assert graded.status(cells[0]) == "error"
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean()


def test_an_output_flood_is_cut(attack, full_scores, tmp_path):
    flood = code(
        """
        import os, sys
        for _ in range(20):
            print('x' * 10**7)
        for _ in range(10**5):
            sys.stderr.write('spam ' * 20)
        for _ in range(2000):
            os.write(1, b'y' * 10**5)
            os.write(2, b'z' * 10**5)
        """
    )
    path, cells = solution_plus(tmp_path / "flood.ipynb", flood)
    graded = attack.grade(path)
    assert graded.status(cells[0]) == "ok"
    assert graded.scores == full_scores
    assert len(json.dumps(graded.result)) < 200_000
    assert graded.seconds < attack.slack
    attack.assert_clean()


def test_an_endless_cell_times_out(attack, full_scores, tmp_path):
    path, cells = solution_plus(tmp_path / "loop.ipynb", "while True:\n    pass")
    graded = attack.grade(path, cell_timeout=1)
    assert graded.status(cells[0]) == "timeout"
    assert graded.scores == full_scores
    assert graded.seconds < 1 + attack.slack
    attack.assert_clean()


def test_an_endless_function_costs_its_checks_only(attack, full_scores, tmp_path):
    hang = code(
        """
        def make_grid(rows, cols):
            while True:
                pass
        """
    )
    path, _ = solution_plus(tmp_path / "hang.ipynb", replace={"grid": hang})
    # A fresh kernel's first meta-device call imports torch._dynamo (~1 s; the fork engine's
    # zygote did that before forking): a kernel's honest calls need more than 0.5 s.
    call_timeout = 3.0 if attack.engine.name == "kernel" else 0.5
    graded = attack.grade(path, call_timeout=call_timeout)
    assert graded.scores == {**full_scores, "grid": 0.0}
    # Finding F6 (fixed): a hanging function used to zero every later question once a global
    # replay cap ran out. Now its own checks time out or are not run; the others are graded.
    statuses = [c["status"] for c in graded.checks("grid")]
    assert "timeout" in statuses and set(statuses) <= {"timeout", "error"}
    # Each timed-out call costs its limit and one replay of the notebook.
    assert graded.seconds < len(graded.checks("grid")) * (call_timeout + 1) + attack.slack
    attack.assert_clean()


STDIN = {
    "input()": "input('answer: ')",
    "sys.stdin.read()": "import sys\nsys.stdin.read()",
    "os.read(0)": "import os\nos.read(0, 1)",
    "sys.__stdin__": "import sys\nsys.__stdin__.readline()",
    "/dev/tty": "open('/dev/tty').read()",
    "getpass": "import getpass\ngetpass.getpass()",
}


@pytest.mark.parametrize("name", sorted(STDIN))
def test_stdin_reads_do_not_block(attack, full_scores, tmp_path, name):
    path, cells = solution_plus(tmp_path / "stdin.ipynb", STDIN[name])
    graded = attack.grade(path, cell_timeout=2)
    assert graded.status(cells[0]) in ("ok", "error")
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean(still_grades=False)


def test_huge_return_values_are_refused_not_decoded(attack, full_scores, tmp_path):
    huge = code(
        """
        import torch
        def make_grid(rows, cols):
            return torch.zeros(1).expand(2**31)  # 8 GB once made contiguous
        def add_samples(X, Y):
            return [torch.zeros(2**18)] * 10**4  # one tensor, sent 10 000 times
        def add_features(X, Y):
            return 'x' * (300 * 2**20)
        def normalize_rows(A):
            return torch.zeros(2**40, 2**40, device='meta')
        SUM_SHAPES = (range(10**18), range(10**18), range(10**18))
        """
    )
    path, _ = solution_plus(
        tmp_path / "huge.ipynb",
        replace={"grid": huge, "concat": "", "normalize-rows": "", "sum-shapes": ""},
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    graded = attack.grade(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    zeroed = {"grid": 0.0, "concat": 0.0, "normalize-rows": 0.0}
    assert {k: v for k, v in graded.scores.items() if k != "sum-shapes"} == {
        **{k: v for k, v in full_scores.items() if k != "sum-shapes"},
        **zeroed,
    }
    assert graded.hidden("sum-shapes") == 0
    assert grown_mb < 400, f"the grader grew by {grown_mb:.0f} MB"
    assert graded.seconds < attack.slack
    attack.assert_clean()
