"""The RPC's vocabulary, written once for both sides of the trust boundary.

The judge (and the engines) send requests whose header holds `OP` and the op's fields; the
agent in the student's process answers each with one reply (one per cell for `RUN_CELLS`). The
fork engine's zygote takes its own small set of control ops over its control socket. Framing is
in wire.py, encoding in codec.py.
"""

from __future__ import annotations

OP = "op"

# Judge -> agent (the student's process).
RUN_CELL = "run_cell"  # {"source": str} -> a cell reply
RUN_CELLS = "run_cells"  # {"sources": [str]} -> a cell reply per cell, as each ends
CALL = "call"  # {"name": str} + values {"args", "kwargs"} -> a call reply
GET = "get"  # {"name": str} -> the variable's value
DESCRIBE = "describe"  # {"names": [str]} -> what each name is
BYE = "bye"  # no reply: the agent stops serving

# A request's optional header field: answer it from the namespace as it was at that question's
# check cell (the snapshot the judge's snapshot cell left under SNAPSHOTS), when there is one.
SCOPE = "scope"
SNAPSHOTS = "__grader_snapshots__"

# Grader -> zygote (fork engine control socket).
SPAWN = "spawn"  # {"limits": {...}} + the child's RPC socket -> {"pid": N}
KILL = "kill"  # -> {"killed": N}
# {"modules": [str], "meta": bool} -> {"preloaded": [str], "meta": bool, "seconds": float,
# "phases": {module: seconds}}:
# import these (only modules of PRELOADABLE_MODULES) and warm the meta device, before the next
# fork.
PRELOAD = "preload"
EXIT = "exit"

# What a zygote may import beyond torch, numpy and IPython, by the top-level name a notebook
# imports: the modules every child of a notebook that imports that name would import anyway.
PRELOADABLE = {
    "pandas": ("pandas",),
    "otter": ("otter",),
    "matplotlib": ("matplotlib.pyplot", "matplotlib_inline.backend_inline"),
}
# What torch imports by itself the first time some operations run, and a zygote may import for
# its children: torch._dynamo (~1 s, and ~300 modules), which most operations on meta tensors
# import (`X * 0`, `torch.cat`), though `zeros_like` and the factory functions do not. A batch's
# zygote imports it once a child of its has (LATE_IMPORTS), not in case one might.
LAZY_TORCH_MODULES = ("torch._dynamo",)
PRELOADABLE_MODULES = (
    *(module for modules in PRELOADABLE.values() for module in modules),
    *LAZY_TORCH_MODULES,
)

# A cell or call reply's optional header field: the modules of PRELOADABLE_MODULES that the
# student's process has imported since it was forked (absent when none). Only a hint for what
# the zygote could import for the next children; the judge asks for nothing outside the list.
LATE_IMPORTS = "late_imports"

# The key of a reply that reports a failure of the agent itself (not of the student's code).
AGENT_ERROR = "agent_error"
