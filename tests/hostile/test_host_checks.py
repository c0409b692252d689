"""The suite's own host checks see what they must see: otherwise every 'clean host' above
would pass by looking nowhere."""

from __future__ import annotations

import subprocess
import time

import pytest

from grader.sandbox.base import Limits

from . import host


def test_a_marked_process_on_the_host_is_reported(attack):
    # argv[0] carries the marker, as an attack's exec'd daemon would.
    with subprocess.Popen([attack.marker, "30"], executable="/bin/sleep") as leftover:
        try:
            # Until exec completes, /proc shows the parent's name: wait to see the marker.
            deadline = time.monotonic() + 5
            while not host.marked_processes(attack.marker) and time.monotonic() < deadline:
                time.sleep(0.01)
            with pytest.raises(AssertionError, match="processes left behind"):
                attack.assert_clean(still_grades=False, wait=0.5)
        finally:
            leftover.kill()
    attack.assert_clean(still_grades=False)


def test_a_file_outside_the_scratch_is_reported(attack):
    planted = attack.sentinel_dirs[0] / f"{attack.marker}-planted"
    planted.write_text("x")
    try:
        with pytest.raises(AssertionError, match="outside its scratch"):
            attack.assert_clean(still_grades=False)
    finally:
        planted.unlink()
    attack.assert_clean(still_grades=False)


def test_a_running_submission_counts_as_extra_processes(attack, fork_engine):
    session = fork_engine.start_session(Limits())
    try:
        assert session.run_cell("import os\nif os.fork() == 0:\n    os.pause()", 10).status == "ok"
        deadline = time.monotonic() + 5
        while len(host.engine_processes(fork_engine)) <= attack.idle_count:
            assert time.monotonic() < deadline, "the submission's processes are not seen"
            time.sleep(0.05)
    finally:
        session.close()
    attack.assert_clean(still_grades=False)
