"""Length-prefixed frames on a stream socket, with a size cap checked before reading."""

from __future__ import annotations

import select
import socket
import struct
import time

_LEN = struct.Struct("<Q")


class PeerClosed(Exception):
    """The other side closed the socket (or died) before a whole frame arrived."""


class FrameTooLarge(Exception):
    """The other side announced a frame over the cap; the connection is no longer usable."""


def send_frame(sock: socket.socket, payload: bytes) -> None:
    # One system call for the length and the payload (no copy): a request and its reply
    # are ~160 frames per submission, on each side.
    header = _LEN.pack(len(payload))
    sent = sock.sendmsg([header, payload])
    if sent < len(header) + len(payload):  # the socket buffer took part of it: send the rest
        sock.sendall(memoryview(header + payload)[sent:])


def spin_until_readable(sock: socket.socket, seconds: float) -> bool:
    """Poll `sock` without sleeping for up to `seconds`; True once it has data to read.

    A request and its reply cross ~80 times per submission: blocking in recv costs each side a
    wake-up (on a VM, a sleeping virtual CPU too), ~35-50 us per round trip. Worth the CPU only
    when one submission's latency matters, not in a busy batch."""
    if seconds <= 0:
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if poller.poll(0):
            return True
    return False


def recv_exact(sock: socket.socket, count: int, deadline: float | None = None) -> bytearray:
    """`count` bytes. With a `deadline` (time.monotonic()), TimeoutError once it passes."""
    buffer = bytearray(count)
    view = memoryview(buffer)
    received = 0
    while received < count:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline passed")
            sock.settimeout(remaining)
        n = sock.recv_into(view[received:], count - received)
        if n == 0:
            raise PeerClosed(f"connection closed after {received} of {count} bytes")
        received += n
    return buffer


def recv_frame(sock: socket.socket, max_bytes: int, deadline: float | None = None) -> bytearray:
    (length,) = _LEN.unpack(recv_exact(sock, _LEN.size, deadline))
    if length > max_bytes:
        raise FrameTooLarge(f"a message of {length} bytes is over the {max_bytes}-byte cap")
    return recv_exact(sock, length, deadline)
