"""Making the zygote warm before it forks: the modules every submission uses imported, the code
paths nearly every notebook takes run once (so children inherit them instead of redoing them),
and the zygote's memory collapsed into huge pages (so each fork and exit is cheaper).

CUDA is never initialised here: only a child that receives a CUDA tensor initialises it.
"""

from __future__ import annotations

import ctypes
import time

from .protocol import PRELOADABLE_MODULES
from .shell import skip_otter_client_log, skip_stat_of_installed_sources


def preload(options: dict) -> dict:
    """Import what every submission uses, so children start warm."""
    started = time.perf_counter()
    phases = {}
    import numpy  # noqa: F401
    import torch

    phases["torch"] = time.perf_counter() - started
    torch.set_num_threads(1)
    if options.get("meta", not options.get("lean")):
        t = time.perf_counter()
        warm_meta_device()
        phases["meta"] = time.perf_counter() - t
    t = time.perf_counter()
    if not options.get("gpu"):
        # Not where children use CUDA: the first backward starts autograd's device threads,
        # which counts the CUDA devices, which initialises the driver; a forked child can then
        # neither use CUDA ("initialization error") nor autograd ("autograd's threading in
        # combination with fork-based multiprocessing"). Each child pays it once instead.
        (torch.ones(2, requires_grad=True) * 2).sum().backward()
    phases["backward"] = time.perf_counter() - t
    loaded = ["torch", "numpy", *import_modules(options.get("preload", []), phases)]
    skip_stat_of_installed_sources()
    return {"preloaded": loaded, "seconds": time.perf_counter() - started, "phases": phases}


def warm_meta_device() -> None:
    """The meta device's first use imports torch's symbolic shapes and sympy (~0.45 s): checks
    that pass meta tensors (a device stand-in on a machine without a GPU) would otherwise pay it
    in every child. Most other operations on meta tensors (`X * 0`, `torch.cat`) also import
    torch._dynamo (~1 s more): that is protocol.LAZY_TORCH_MODULES' job, imported up front by
    `grader serve`'s zygote and by a batch's once one of its children needed it."""
    import torch

    torch.zeros_like(torch.empty(2, device="meta"))


def import_modules(names: list[str], phases: dict[str, float]) -> list[str]:
    """Import each module, timing it into `phases`; the names of those that imported."""
    loaded = []
    for name in names:
        t = time.perf_counter()
        try:
            __import__(name)
            loaded.append(name)
        except Exception:
            pass
        phases[name] = time.perf_counter() - t
    if "otter" in loaded:
        skip_otter_client_log()
    return loaded


def load_more(modules: list[str], meta: bool, shell, loaded: list[str]) -> dict:
    """What a running zygote is asked to add before its next fork (protocol.PRELOAD): a batch's
    zygote starts with torch only and imports pandas, otter or matplotlib when the first
    submission that imports them arrives, and torch._dynamo once a child needed it. Only
    modules of PRELOADABLE_MODULES are imported, each once; their warm-up cells run as at the
    start. `loaded` (what is imported) is updated."""
    started = time.perf_counter()
    wanted = [name for name in modules if name in PRELOADABLE_MODULES and name not in loaded]
    phases: dict[str, float] = {}
    new = import_modules(wanted, phases)
    loaded.extend(new)
    if meta:
        warm_meta_device()
    if new:  # their cells use torch and _warm_up, which the first cell defines
        warm_up(shell, (WARM_UP_CELL, *extra_warm_up_cells(new)))
    seconds = time.perf_counter() - started
    return {"preloaded": new, "meta": meta, "seconds": seconds, "phases": phases}


MADV_COLLAPSE = 25  # Linux >= 6.1
HUGE_PAGE = 2 * 1024 * 1024


def collapse_into_huge_pages() -> int:
    """Back this process's private anonymous memory with 2 MB pages; returns how many bytes.

    Forking copies one page-table entry per mapped 4 kB page and a child's exit drops them
    again: with 2 MB pages there are 512 times fewer, so every submission's fork and exit cost
    less CPU (docs/sandbox.md, "History and measurements"). A child that writes to such a page
    still gets its own 4 kB copy. Best effort: a kernel without MADV_COLLAPSE changes nothing.
    (Only collapsed, not marked MADV_HUGEPAGE: the children's own new memory stays in 4 kB pages.)
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open("/proc/self/maps") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return 0
    collapsed = 0
    for line in lines:
        fields = line.split()
        path = fields[5] if len(fields) > 5 else ""
        if len(fields) < 5 or fields[1] != "rw-p" or path not in ("", "[heap]"):
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        first = -(-start // HUGE_PAGE) * HUGE_PAGE
        last = end // HUGE_PAGE * HUGE_PAGE
        if last > first and libc.madvise(first, last - first, MADV_COLLAPSE) == 0:
            collapsed += last - first
    return collapsed


def warm_up(shell, cells: tuple[str, ...] = ()) -> None:
    """Run, once in the zygote, what nearly every submission does: what that initialises on
    first use (lazy imports, the agent's modules compiled, regular expressions, caches) is then
    inherited by every child instead of being redone in each.

    Each child also runs `CHILD_WARM_UP_CELLS` (unless the engine says not to), to take some
    copy-on-write page faults before its submission arrives: a little less latency for a little
    more CPU, worth it when one submission is graded, not in a busy batch (docs/sandbox.md,
    "History and measurements", has the figures and why the other cells are not run there)."""
    from . import codec, protocol
    from .agent import Agent

    if shell is None:
        return
    saved = dict(shell.user_ns)
    agent = Agent(shell=shell)
    for source in cells:
        agent.handle(codec.encode_message({protocol.OP: protocol.RUN_CELL, "source": source}, {}))
    agent.handle(
        codec.encode_message(
            {protocol.OP: protocol.CALL, "name": "_warm_up"}, {"args": (WARM_UP_ARG,), "kwargs": {}}
        )
    )
    shell.user_ns.clear()
    shell.user_ns.update(saved)


WARM_UP_CELL = """import torch
def _warm_up(x):
    return x.reshape(2, 2).T.sum(dim=0) * 2
_warm_up(torch.arange(4.0))
"""
WARM_UP_ARG = None  # set by the zygote once torch is imported

# An otter public check, as every template's check cells run it.
OTTER_CHECK_CELL = """import os as _os, shutil as _shutil, tempfile as _tempfile
import otter as _otter
_test = {"name": "warm", "points": 1.0, "suites": [{"type": "doctest", "scored": True,
    "setup": "", "teardown": "", "cases": [{"code": ">>> _warm_up(torch.arange(4.0))\\n"
    "tensor([ 2., 10.])\\n", "hidden": False, "locked": False, "points": 1.0}]}]}
_cwd, _dir = _os.getcwd(), _tempfile.mkdtemp()
try:
    _os.chdir(_dir)
    with open("warm.py", "w", encoding="utf-8") as _f:
        _f.write("OK_FORMAT = True\\ntest = " + repr(_test) + "\\n")
    _result = _otter.Notebook(tests_dir=_dir).check("warm")
finally:
    _os.chdir(_cwd)
    _shutil.rmtree(_dir, ignore_errors=True)
_result
"""
# What the chapter's notebooks do in nearly every cell: a failing cell, a displayed tensor, the
# pandas preprocessing section; and otter's public checks, which grading runs only for a check
# cell the student changed.
PANDAS_CELL = """import pandas as _pd
_frame = _pd.DataFrame({"a": [1.0, None, 3.0], "b": ["x", None, "y"]})
_frame = _pd.get_dummies(_frame.fillna(_frame.mean(numeric_only=True)), dummy_na=True)
print(_frame.iloc[:, 0:2])
torch.tensor(_frame.to_numpy(dtype=float), dtype=torch.float32)
"""
FAILING_CELL = "_warm_up(None)"
ZYGOTE_WARM_UP_CELLS = (WARM_UP_CELL, OTTER_CHECK_CELL, FAILING_CELL, PANDAS_CELL)


def extra_warm_up_cells(loaded: list[str]) -> tuple[str, ...]:
    """The warm-up cells of the modules just imported: what a notebook does with them first."""
    return (OTTER_CHECK_CELL,) * ("otter" in loaded) + (PANDAS_CELL,) * ("pandas" in loaded)


def zygote_warm_up_cells(options: dict, preloaded: list[str]) -> tuple[str, ...]:
    """The cells the zygote runs once: a cell, a failing cell and those of what it imported;
    for a lean zygote (one notebook) only what that notebook is sure to do: run a cell, and use
    pandas if it imports it."""
    if options.get("lean"):
        return (WARM_UP_CELL, PANDAS_CELL) if "pandas" in preloaded else (WARM_UP_CELL,)
    return (WARM_UP_CELL, FAILING_CELL, *extra_warm_up_cells(preloaded))


CHILD_WARM_UP_CELLS = (WARM_UP_CELL,)
