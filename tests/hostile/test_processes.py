"""Attacks on processes: dying on purpose, killing the grader's side, leaving daemons behind.

Each attack cell is added after the full solution: a cell that kills its own process is
recorded and the notebook rerun without it, so the honest score is the full score.
"""

from __future__ import annotations

import pytest

from .notebooks import code, set_name, solution_plus

SUICIDES = {
    "os._exit": ("import os\nos._exit(3)", "crashed"),
    "segfault": ("import ctypes\nctypes.string_at(0)", "crashed"),
    "sys.exit": ("import sys\nsys.exit(0)", "error"),
    "SystemExit-raise": ("raise SystemExit('bye')", "error"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt", "error"),
    "SIGKILL-self": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "crashed"),
    "abort": ("import os\nos.abort()", "crashed"),
}


@pytest.mark.parametrize("name", sorted(SUICIDES))
def test_a_cell_that_ends_its_process(attack, full_scores, tmp_path, name):
    source, status = SUICIDES[name]
    path, cells = solution_plus(tmp_path / "suicide.ipynb", source)
    graded = attack.grade(path)
    assert graded.status(cells[0]) == status
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean()


def test_a_function_that_ends_its_process_costs_its_question_only(attack, full_scores, tmp_path):
    crash = code(
        """
        import os, ctypes
        def make_grid(rows, cols):
            if rows % 2:
                ctypes.string_at(0)
            os._exit(1)
        """
    )
    path, _ = solution_plus(tmp_path / "crash-call.ipynb", replace={"grid": crash})
    graded = attack.grade(path)
    assert graded.scores == {**full_scores, "grid": 0.0}
    assert {c["status"] for c in graded.checks("grid")} <= {"error", "failed"}
    # Each crashed call costs one replay of the notebook, nothing more.
    assert graded.seconds < attack.slack + len(graded.checks("grid"))
    attack.assert_clean()


# Killing what runs the sandbox. Whether the call is refused (EPERM) or kills the student's own
# process, the other answers are graded in full and the engine keeps grading.
KILLERS = {
    "the parent (zygote)": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "pid 1": "import os, signal\nos.kill(1, signal.SIGKILL)",
    "its process group": "import os, signal\nos.killpg(0, signal.SIGKILL)",
    "every process it may signal": "import os, signal\nos.kill(-1, signal.SIGKILL)",
    "the parent, with SIGTERM and SIGSTOP": (
        "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n"
        "os.kill(os.getppid(), signal.SIGTERM)"
    ),
}


@pytest.mark.parametrize("target", sorted(KILLERS))
def test_killing_the_sandbox_side_changes_no_score(attack, full_scores, tmp_path, target):
    path, cells = solution_plus(tmp_path / "killer.ipynb", KILLERS[target])
    graded = attack.grade(path)
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean()


def test_double_forked_daemons_are_gone_after_grading(attack, full_scores, tmp_path):
    daemon = code(
        f"""
        import os, signal, time
        for flavour in ('python', 'exec'):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    signal.signal(signal.SIGHUP, signal.SIG_IGN)
                    if flavour == 'exec':
                        os.execv('/bin/sleep', [{attack.marker!r}, '100000'])
                    {set_name(attack.marker)}
                    while True:
                        time.sleep(1)
                os._exit(0)
            os.wait()
        """
    )
    path, cells = solution_plus(tmp_path / "daemon.ipynb", daemon)
    graded = attack.grade(path)
    assert graded.status(cells[0]) == "ok"
    assert graded.scores == full_scores
    attack.assert_clean()


def test_a_fork_bomb_is_capped_and_cleaned_up(attack, full_scores, tmp_path):
    bomb = code(
        f"""
        import os, time
        forked = 0
        try:
            while forked < 10000:
                if os.fork() == 0:
                    {set_name(attack.marker)}
                    while True:
                        time.sleep(1)
                forked += 1
        except OSError:
            pass
        if forked >= 10000:
            raise RuntimeError('no process limit')
        """
    )
    path, cells = solution_plus(tmp_path / "bomb.ipynb", bomb)
    # Forking a process that holds torch takes tens of milliseconds on a loaded machine.
    graded = attack.grade(path, cell_timeout=15)
    assert graded.status(cells[0]) == "ok"
    assert graded.scores == full_scores
    assert graded.seconds < 15 + attack.slack
    attack.assert_clean()


def test_a_process_that_ignores_sigterm_is_killed(attack, full_scores, tmp_path):
    stubborn = code(
        f"""
        import os, signal, time
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_IGN)
        if os.fork() == 0:
            {set_name(attack.marker)}
            while True:
                pass
        while True:
            time.sleep(0.1)
        """
    )
    path, cells = solution_plus(tmp_path / "stubborn.ipynb", stubborn)
    graded = attack.grade(path, cell_timeout=1)
    assert graded.status(cells[0]) == "timeout"
    assert graded.scores == full_scores
    assert graded.seconds < 1 + attack.slack
    attack.assert_clean()
