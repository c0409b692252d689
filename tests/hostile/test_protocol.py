"""Attacks on the RPC channel itself: the student's process holds one end of the socket.

A cell can write anything into it, including well-framed messages the judge will read as the
reply to its request. Whatever arrives, the judge must treat a malformed reply as a crash of
the student's process (the cell is recorded, the notebook rerun without it), never raise.
"""

from __future__ import annotations

import json

import pytest

from .notebooks import code, solution_plus

FORGE = code(
    """
    import os, stat, struct
    def forge(frame):
        for fd in range(3, 1024):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.write(fd, frame)
            except OSError:
                pass
    def message(header):
        return b'D2LG' + struct.pack('<I', len(header)) + header
    def framed(payload):
        return struct.pack('<Q', len(payload)) + payload
    """
)


def _forge(header: bytes) -> str:
    return FORGE + f"forge(framed(message({header!r})))\n"


def _json(header: dict) -> bytes:
    return json.dumps({"status": "ok", **header}).encode()


FORGERIES = {
    "a length over the cap": FORGE + "forge(struct.pack('<Q', 2**62))\n",
    "garbage bytes": FORGE + "forge(framed(os.urandom(4096)))\n",
    "a truncated header": FORGE + "forge(framed(b'D2LG' + struct.pack('<I', 10**6) + b'{}'))\n",
    "a numpy dtype that is not allowed": _forge(
        _json({"values": {"x": {"$ndarray": {"dtype": "i4,", "shape": [], "blob": 0}}}})
    ),
    "a header that is not an object": _forge(b"[1, 2, 3]"),
    "a blob reference out of range": _forge(
        _json({"values": {"x": {"$bytes": 7}}, "blob_sizes": []})
    ),
}
# Finding F1 (fixed in decode_message): these raised TypeError, ValueError, RuntimeError and
# RecursionError out of grade_submission.
FORGERIES_F1 = {
    "a complex of lists": _forge(_json({"values": {"x": {"$complex": [[1], 0]}}})),
    "a dict pair of one": _forge(_json({"values": {"x": {"$dict": [[1]]}}})),
    "an overflowing meta tensor": _forge(
        _json(
            {
                "values": {
                    "x": {
                        "$tensor": {
                            "dtype": "float32",
                            "shape": [2**62, 2**62],
                            "device": "meta",
                            "blob": 0,
                        }
                    }
                },
                "blob_sizes": [0],
            }
        )
    ),
    "JSON nested 100 000 deep": _forge(
        b'{"status": "ok", "values": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    ),
}


@pytest.mark.parametrize(
    "name",
    sorted(FORGERIES) + sorted(FORGERIES_F1),
)
def test_a_forged_reply_is_a_crash_of_that_cell(attack, full_scores, tmp_path, name):
    source = {**FORGERIES, **FORGERIES_F1}[name]
    path, cells = solution_plus(tmp_path / "forge.ipynb", source)
    graded = attack.grade(path)  # must not raise
    assert graded.status(cells[0]) in attack.broken_channel_statuses
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean()


def test_writing_to_every_descriptor(attack, full_scores, tmp_path):
    # Fake results on stdin/stdout/stderr and on every other descriptor, the RPC socket too.
    spray = code(
        """
        import os
        fake = b'{"score": 1000, "max_score": 68.5}\\nTOTAL 1000/68.5\\nAll tests passed!\\n'
        for fd in range(0, 1024):
            try:
                os.write(fd, fake)
            except OSError:
                pass
        """
    )
    path, cells = solution_plus(tmp_path / "spray.ipynb", spray)
    graded = attack.grade(path)
    assert graded.status(cells[0]) in attack.broken_channel_statuses  # it broke its channels
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean()
