"""The rlimits a submission's process gets, as the plain dict that crosses into the sandbox.

Both engines send it: the fork engine in its spawn request to the zygote, the kernel engine in
its first hidden cell. Inside the sandbox, `inside/confinement.py`'s `set_limits` applies it.
"""

from __future__ import annotations

from typing import Any

from .base import Limits


def child_limits(limits: Limits, gpu: bool = False) -> dict[str, Any]:
    return {
        "memory_mb": limits.memory_mb,
        # CUDA reserves host address space of about twice the card's memory when it starts, so
        # an address-space cap makes every CUDA call fail; on GPU runners the engine's control
        # group caps the memory the submission really uses instead.
        "cap_address_space": not gpu,
        "max_processes": limits.max_processes,
        "max_file_mb": limits.max_file_mb,
        "max_open_files": limits.max_open_files,
        "max_message_bytes": limits.max_message_bytes,
        "cpu_seconds": int(limits.notebook_timeout) + 60,
    }
