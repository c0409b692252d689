"""Length-prefixed frames on a stream socket, with a size cap checked before reading."""

from __future__ import annotations

import socket
import struct

_LEN = struct.Struct("<Q")


class PeerClosed(Exception):
    """The other side closed the socket (or died) before a whole frame arrived."""


class FrameTooLarge(Exception):
    """The other side announced a frame over the cap; the connection is no longer usable."""


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(
        _LEN.pack(len(payload)) + payload if len(payload) < 65536 else _LEN.pack(len(payload))
    )
    if len(payload) >= 65536:
        sock.sendall(payload)


def recv_exact(sock: socket.socket, count: int) -> bytearray:
    buffer = bytearray(count)
    view = memoryview(buffer)
    received = 0
    while received < count:
        n = sock.recv_into(view[received:], count - received)
        if n == 0:
            raise PeerClosed(f"connection closed after {received} of {count} bytes")
        received += n
    return buffer


def recv_frame(sock: socket.socket, max_bytes: int) -> bytearray:
    (length,) = _LEN.unpack(recv_exact(sock, _LEN.size))
    if length > max_bytes:
        raise FrameTooLarge(f"a message of {length} bytes is over the {max_bytes}-byte cap")
    return recv_exact(sock, length)
