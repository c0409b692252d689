"""Sandboxes that run student notebooks: engines behind one `Session` interface.

- `inprocess`: exec in this process. Only for trusted code (the bank's own references and
  mutants in tests); it exists so checks can be written and tested without a sandbox.
- `fork`: a warm zygote (torch and IPython already imported) forks one child per submission.
- `kernel`: a real ipykernel driven by nbclient, for full Jupyter fidelity.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Engine


def cuda_device_files() -> bool:
    """A guess that needs no torch import: is there an NVIDIA driver on this machine? (An
    engine for CUDA mounts the device files; --device auto asks for one where they exist.)"""
    return Path("/dev/nvidiactl").exists()


def make_engine(
    name: str,
    isolation: str = "auto",
    gpu: bool = False,
    *,
    batch: bool = False,
    one_notebook: list[str] | None = None,
) -> Engine:
    """An engine by name. Importing this module imports no torch: a batch worker launches its
    zygote first and imports torch while the zygote does the same. `batch`: tuned for
    throughput rather than for the latency of one submission. `one_notebook`: the code cells
    of the only notebook this engine will grade (`grader grade`): it then starts lean, doing
    only what that notebook needs (ForkEngine's `lean`)."""
    if name == "fork":
        from .forkengine import DEFAULT_PRELOAD, ForkEngine, preload_for_cells

        if one_notebook is not None:
            return ForkEngine(
                isolation=isolation, gpu=gpu, preload=preload_for_cells(one_notebook), lean=True
            )
        if batch:  # the rest on demand: ForkEngine.prepare
            return ForkEngine(
                isolation=isolation, gpu=gpu, preload=("IPython",), warm_children=False, meta=False
            )
        return ForkEngine(isolation=isolation, gpu=gpu, preload=DEFAULT_PRELOAD)
    if name == "kernel":
        from .kernelengine import KernelEngine

        return KernelEngine(isolation=isolation, gpu=gpu)
    if name == "inprocess":
        from .inprocess import InProcessEngine

        return InProcessEngine()
    raise ValueError(f"unknown engine {name!r}")
