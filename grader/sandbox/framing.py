"""Reading the sandbox's replies: one frame of `inside/wire.py`'s framing, with the errors the
engines report (a time limit, a student's process that ended or sent too much)."""

from __future__ import annotations

import socket

from .base import CallTimeout, SandboxCrashed
from .inside import wire


def recv_frame_before(sock: socket.socket, max_bytes: int, deadline: float) -> bytearray:
    """One frame, or CallTimeout once `deadline` (time.monotonic) passes; SandboxCrashed when
    the student's process closes the socket or sends an oversized frame."""
    try:
        return wire.recv_frame(sock, max_bytes, deadline)
    except TimeoutError:
        raise CallTimeout("time limit reached") from None
    except wire.PeerClosed:
        raise SandboxCrashed("the student's process ended unexpectedly") from None
    except wire.FrameTooLarge as exc:
        raise SandboxCrashed(f"the student's process sent too much: {exc}") from None
    except OSError as exc:
        raise SandboxCrashed(f"the connection to the student's process broke ({exc})") from None
