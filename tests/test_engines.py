"""The fork and kernel engines agree, and d2l-style notebooks grade like Jupyter runs them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.sandbox.kernelengine import KernelEngine

from .conftest import ROOT
from .nbutil import SOLUTION, solution_with, write_notebook

D2L_STYLE = [
    ("md", "# 2.1 Data manipulation"),
    "%matplotlib inline",
    "import torch",
    "from d2l import torch as d2l",
    "import os\nos.makedirs(os.path.join('..', 'data'), exist_ok=True)\ndata_file = os.path.join('..', 'data', 'house_tiny.csv')\nwith open(data_file, 'w') as f:\n    f.write('NumRooms,RoofType,Price\\nNA,NA,127500\\n2,NA,106000\\n')",
    "import pandas as pd\ndata = pd.read_csv(data_file)\nprint(data)",
    "x = torch.arange(12, dtype=torch.float32)\nx.reshape(3, 4)",
    "X = torch.arange(12, dtype=torch.float32).reshape((3,4))\nY = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\ntorch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)",
    "before = id(Y)\nY = Y + X\nid(Y) == before",
    "A = X.numpy()\nB = torch.from_numpy(A)\ntype(A), type(B)",
    "d2l.plot(x, [x])",
    "def make_grid(rows, cols):\n    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)",
]


def _statuses(result):
    return [(c["index"], c["status"]) for c in result["cells"]]


def _nbclient_statuses(path, tmp_path):
    nb = nbformat.read(path, 4)
    work = tmp_path / "nbclient" / "work"
    work.mkdir(parents=True)
    NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(work)}},
    ).execute()
    statuses = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        statuses.append((index, "error" if failed else "ok"))
    return statuses


@pytest.mark.slow
def test_engines_agree_on_the_corpus(grade, kernel_engine, bank, tmp_path):
    grid = bank.questions["grid"]
    corpus = [
        SOLUTION,
        ROOT / "student_templates/preliminaries-core.en.ipynb",
        solution_with(
            tmp_path / "mutant.ipynb",
            {
                "grid": grid.mutants[0].code,
                "concat": "def add_samples(X, Y):\n    raise ValueError('no')",
            },
        ),
        write_notebook(tmp_path / "d2l.ipynb", D2L_STYLE),
    ]
    for path in corpus:
        fork = grade(path)
        kernel = grade(path, engine=kernel_engine)
        assert kernel["engine"] == "kernel"
        assert [(q["id"], q["score"]) for q in fork["questions"]] == [
            (q["id"], q["score"]) for q in kernel["questions"]
        ], path
        assert _statuses(fork) == _statuses(kernel), path


@pytest.mark.slow
def test_d2l_style_notebook_matches_nbclient(grade, tmp_path):
    path = write_notebook(tmp_path / "d2l.ipynb", D2L_STYLE)
    result = grade(path)
    assert _statuses(result) == _nbclient_statuses(path, tmp_path)
    errors = {c["index"]: c["error"]["type"] for c in result["cells"] if c["error"]}
    statuses = {c["index"]: c["status"] for c in result["cells"]}
    assert statuses[1] == statuses[2] == "ok"  # %matplotlib inline, import torch
    assert errors[3] == "ModuleNotFoundError"  # from d2l import torch as d2l
    assert statuses[4] == statuses[5] == "ok"  # writes to ../data, reads it back
    grid = next(q for q in result["questions"] if q["id"] == "grid")
    assert grid["score"] == grid["max_score"]


# -- running a notebook's cells in one request (fork engine) ----------------------------------


def _run_batch(fork_engine, sources, cell_timeout=10.0, total=60.0):
    import time

    from grader.sandbox.base import Limits

    session = fork_engine.start_session(Limits())
    try:
        return session.run_cells(sources, cell_timeout, time.monotonic() + total)
    finally:
        session.close()


def test_a_batch_of_cells_goes_on_after_errors_and_stops_at_a_crash(fork_engine):
    outcomes = _run_batch(
        fork_engine, ["x = 1", "1 / 0", "print(x)", "import os\nos._exit(3)", "y = 2"]
    )
    assert [o.status for o in outcomes] == ["ok", "error", "ok", "crashed"]
    assert outcomes[1].error["type"] == "ZeroDivisionError"
    assert outcomes[2].stdout == "1\n"


def test_the_sandbox_user_has_a_name(fork_engine):
    """Its uid has no /etc/passwd entry, yet getpass.getuser() answers: torch 2.11 asks for it
    when a tensor op first imports torch._dynamo, which made the zygote fail to start."""
    outcomes = _run_batch(fork_engine, ["import getpass\nprint(getpass.getuser())"])
    assert [o.status for o in outcomes] == ["ok"], outcomes[0].error
    assert outcomes[0].stdout == "sandbox\n"


def test_linecache_rechecks_the_submissions_files_but_not_installed_sources(fork_engine):
    """Every doctest re-stats each file in linecache; in the sandbox, Python's and the packages'
    sources are read-only, so they are no longer stat'ed. A file the submission writes is."""
    cell = """import linecache, os, torch
path = os.path.join(os.getcwd(), "mine.py")
with open(path, "w") as f:
    f.write("X = 1\\n")
first = linecache.getline(path, 1)
with open(path, "w") as f:
    f.write("X = 22\\n")
linecache.getline(torch.__file__, 1)
stat, stated = os.stat, []
os.stat = lambda name, *args, **kwargs: (stated.append(name), stat(name, *args, **kwargs))[1]
try:
    linecache.checkcache()
finally:
    os.stat = stat
print(first.strip(), linecache.getline(path, 1).strip(), path in stated, torch.__file__ in stated)
"""
    outcomes = _run_batch(fork_engine, [cell])
    assert [o.status for o in outcomes] == ["ok"], outcomes[0].error
    assert outcomes[0].stdout.split() == ["X", "=", "1", "X", "=", "22", "True", "False"]


def test_a_cell_past_its_time_limit_ends_the_batch(fork_engine):
    outcomes = _run_batch(fork_engine, ["x = 1", "while True:\n    pass", "y = 2"], 1.0)
    assert [o.status for o in outcomes] == ["ok", "timeout"]
    assert outcomes[1].seconds >= 1.0


def test_the_notebook_time_limit_cuts_a_batch_short(fork_engine):
    sleep = "import time\ntime.sleep(0.7)"
    outcomes = _run_batch(fork_engine, [sleep, sleep, "z = 3"], cell_timeout=10.0, total=1.0)
    # The second cell only had what was left of the notebook's second.
    assert [o.status for o in outcomes] == ["ok", "timeout"]


def test_cells_not_reached_in_the_notebook_time_limit_are_reported(bank, fork_engine, tmp_path):
    from grader.grade import grade_submission, plan_devices
    from grader.sandbox.base import Limits
    from grader.submission import load_submission

    cells = ["import time\ntime.sleep(1.5)", "x = 1", "time.sleep(1.5)", "y = 2"]
    path = write_notebook(tmp_path / "slow.ipynb", cells)
    limits = Limits(cell_timeout=5.0, notebook_timeout=2.0)
    result = grade_submission(
        load_submission(path), bank, "preliminaries-core", fork_engine, limits, plan_devices("cpu")
    )
    # The third cell used up the notebook's time; the replay without it had none left, so
    # the checks saw a namespace where no cell ran, and the record says so.
    messages = [c["error"]["message"] for c in result["cells"]]
    assert [c["status"] for c in result["cells"]] == ["timeout"] * 4
    assert "ran longer than" in messages[2]
    for index in (0, 1, 3):
        assert "time limit was reached before this cell ran" in messages[index]


# The preamble of a script run by _run_inside_code: the sandbox's code importable as `inside`,
# temporary files in argv[2]. The script prints its findings as JSON on its last line.
INSIDE_PREAMBLE = """
import json, sys, tempfile
sys.path.insert(0, sys.argv[1])
tempfile.tempdir = sys.argv[2]
"""


def _run_inside_code(script: str, tmp_path) -> tuple[object, Path, Path]:
    """Run the zygote's code in a plain Python process (no sandbox): (its JSON answer, its
    working folder, its temporary folder)."""
    import json
    import subprocess
    import sys

    work, scratch = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    scratch.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            INSIDE_PREAMBLE + script,
            str(ROOT / "grader/sandbox"),
            str(scratch),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1]), work, scratch


def test_the_zygote_warm_up_cells_run_cleanly(tmp_path):
    """They run once per engine and their outcome is not looked at: one broken by an upgrade
    (of otter, say) would only make every child slower, silently."""
    script = """
from inside import codec, shell, warmup
from inside.agent import Agent
warmup.preload({"preload": ["IPython", "pandas", "otter"]})
import torch
warmup.WARM_UP_ARG = torch.arange(4.0)
agent = Agent(shell=shell.make_shell())
import os
before = sorted(os.listdir(sys.argv[2]))
statuses = []
for source in warmup.ZYGOTE_WARM_UP_CELLS:
    reply = codec.decode_message(agent.handle(codec.encode_message({"op": "run_cell", "source": source}, {})))
    statuses.append([reply.header["status"], reply.header["stdout"]])
print(json.dumps([statuses, before == sorted(os.listdir(sys.argv[2]))]))
"""
    (statuses, temp_unchanged), work, _ = _run_inside_code(script, tmp_path)
    assert [s for s, _ in statuses] == ["ok", "ok", "error", "ok"]  # the third fails on purpose
    assert "warm results: All test cases passed!" in statuses[1][1]
    assert list(work.iterdir()) == [] and temp_unchanged  # nothing left behind


def test_a_zygote_for_cuda_runs_no_autograd_before_it_forks(tmp_path):
    """On a CUDA build, the first backward starts autograd's device threads, which initialises
    the CUDA driver: forked children then fail every CUDA call and every backward (seen on an
    H100: 47/70 for the solution). A zygote whose children use CUDA must leave autograd alone
    until after the fork; the CPU zygote warms it up."""
    script = """
import torch
calls = []
for name in ("backward", "grad"):
    def counting(*args, _real=getattr(torch.autograd, name), **kwargs):
        calls.append(1)
        return _real(*args, **kwargs)
    setattr(torch.autograd, name, counting)
from inside import shell, warmup
warmup.preload({"gpu": True})
warmup.WARM_UP_ARG = torch.arange(4.0)
warmup.warm_up(shell.make_shell(), warmup.ZYGOTE_WARM_UP_CELLS)
on_gpu = len(calls)
warmup.preload({"gpu": False})
print(json.dumps([on_gpu, len(calls) - on_gpu]))
"""
    autograd_calls, _, _ = _run_inside_code(script, tmp_path)
    assert autograd_calls == [0, 1]


def test_otter_checks_in_the_sandbox_print_as_usual_and_write_no_client_log(fork_engine):
    """The zygote turns off otter's client log (.OTTER_LOG, a dill pickle of every check,
    read by nobody in the sandbox); what a check shows and returns must not change."""
    write_test = (
        "import os, otter\n"
        "os.makedirs('tests', exist_ok=True)\n"
        "test = {'name': 'q1', 'points': 1, 'suites': [{'type': 'doctest', 'scored': True,"
        " 'setup': '', 'teardown': '', 'cases': [{'code': '>>> x + 1\\n3\\n', 'hidden': False,"
        " 'locked': False}]}]}\n"
        "with open('tests/q1.py', 'w') as f:\n"
        "    f.write('OK_FORMAT = True\\ntest = ' + repr(test) + '\\n')\n"
        "grader = otter.Notebook(tests_dir='tests')"
    )
    outcomes = _run_batch(
        fork_engine,
        [
            write_test,
            "x = 2\nresult = grader.check('q1')\nprint(result)",
            "x = 5\nprint(grader.check('q1').grade)",
            "print(sorted(os.listdir('.')))",
        ],
    )
    assert [o.status for o in outcomes] == ["ok"] * 4, [o.error for o in outcomes]
    assert "q1 results: All test cases passed!" in outcomes[1].stdout
    assert outcomes[2].stdout.strip() == "0.0"
    assert outcomes[3].stdout.strip() == "['tests']"


def test_output_and_errors_that_are_not_valid_utf8_are_escaped(fork_engine):
    outcomes = _run_batch(
        fork_engine, ['print("a\\ud800b")', 'raise ValueError("x\\udc80")', "y = 2"]
    )
    assert [o.status for o in outcomes] == ["ok", "error", "ok"]
    assert outcomes[0].stdout == "a\\ud800b\n"
    assert outcomes[1].error["message"] == "x\\udc80"


def test_a_submission_changes_nothing_in_memory_for_the_next_one(fork_engine):
    """Each submission's child is a copy-on-write copy of the zygote (its memory in 2 MB pages
    where the kernel allows): what one child writes, the next child never sees."""
    first = _run_batch(
        fork_engine,
        ["import torch\ntorch.cat = lambda *a, **k: 'patched'\ntorch.__d2l_mark = [1] * 10**6"],
    )
    second = _run_batch(
        fork_engine,
        ["import torch\nprint(hasattr(torch, '__d2l_mark'), torch.cat([torch.ones(1)] * 2))"],
    )
    assert [o.status for o in first + second] == ["ok", "ok"]
    assert second[0].stdout == "False tensor([1., 1.])\n"


def test_the_zygote_memory_is_in_huge_pages_where_the_kernel_can(fork_engine):
    fork_engine.isolation()
    huge_mb = fork_engine.info["huge_page_mb"]
    if huge_mb == 0:
        pytest.skip("this kernel cannot collapse memory into huge pages (MADV_COLLAPSE, Linux 6.1)")
    assert huge_mb >= 100  # most of the ~290 MB of private memory a warm zygote holds


IPYTHON_ONLY_CELLS = [
    "pwd",  # automagic on a single line
    "x = 3\nx?",
    "%%time\ny = 1",
    "import asyncio\nawait asyncio.sleep(0)\nprint('awaited')",
    "  z = 4\n  print(z)",  # indented as a whole
    "\n\nprint('after blank lines')",
    "files = !echo hi\nprint(files)",
    # A submission that adds its own input transformer: later cells must go through it.
    "def shout(lines):\n    return [l.replace('whisper', 'print') for l in lines]\n"
    "get_ipython().input_transformers_post.append(shout)",
    "whisper('transformed')\nwhisper('twice')",
]


TRICKY_PLAIN_CELLS = [
    's = """a\n   \nb"""\nprint(repr(s))',  # a blank-only line inside a string is emptied
    "x = 7 % 3\nprint('%d items' % x)",
    "def f():\n    ...\n\nf()",
    "y = [1,\n     2]\nz = (y\n     , 3)",
    "x = 1\r\ny = 2\r\n",
    "a = 1\t\nb = a != 2  # 100% sure\nb",
    "if True:\n\tt = 1\n\t\nt",
    "ls",
    "cd /tmp",
    "x = 1",
    "grader.check('q1')",
]


def test_the_sandbox_shell_skips_ipython_transforms_only_where_they_change_nothing(tmp_path):
    """For every code cell we have (solutions, templates, mutants, d2l-style cells, tricky
    plain Python), the shortcut gives what IPython's own transform gives, or is not taken."""
    import json
    import subprocess
    import sys

    import nbformat

    from grader.bank.loader import load_bank

    cells = [c for c in D2L_STYLE if isinstance(c, str)] + TRICKY_PLAIN_CELLS + IPYTHON_ONLY_CELLS
    for path in [*ROOT.glob("solutions/*.ipynb"), *ROOT.glob("student_templates/**/*.ipynb")]:
        notebook = nbformat.read(path, 4)
        cells += [c.source for c in notebook.cells if c.cell_type == "code"]
    bank, _ = load_bank()
    cells += [m.code for q in bank.questions.values() for m in q.mutants if getattr(m, "code", "")]
    (tmp_path / "cells.json").write_text(json.dumps(cells))
    script = """
import json, sys
sys.path.insert(0, sys.argv[1])
from IPython.core.interactiveshell import InteractiveShell
from inside.shell import make_shell, plain_python_cell
shell = make_shell()
cells = json.load(open(sys.argv[2]))
taken, differ = 0, []
for cell in cells:
    ours, theirs = shell.transform_cell(cell), InteractiveShell.transform_cell(shell, cell)
    taken += plain_python_cell(cell) is not None
    if ours != theirs:
        differ.append([cell, ours, theirs])
print(json.dumps([len(cells), taken, differ]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "grader/sandbox"), str(tmp_path / "cells.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    total, taken, differ = json.loads(done.stdout.splitlines()[-1])
    assert differ == []
    assert total > 500 and taken > total * 0.8  # the shortcut is the common case


def test_cells_that_need_ipython_run_as_in_jupyter(fork_engine, kernel_engine):
    import time

    from grader.sandbox.base import Limits

    session = kernel_engine.start_session(Limits())
    try:
        in_kernel = session.run_cells(IPYTHON_ONLY_CELLS, 30.0, time.monotonic() + 120)
    finally:
        session.close()
    in_fork = _run_batch(fork_engine, IPYTHON_ONLY_CELLS)
    assert [o.status for o in in_fork] == [o.status for o in in_kernel]
    assert [o.status for o in in_fork] == ["ok"] * len(IPYTHON_ONLY_CELLS), [
        o.error for o in in_fork
    ]
    assert "after blank lines" in in_fork[5].stdout
    assert in_fork[-1].stdout.split() == ["transformed", "twice"]


def test_cgroup_limits_are_written_when_they_change():
    """Each submission sets the engine's cgroup caps; unchanged values are not rewritten."""
    import os

    from grader.sandbox import cgroups

    ok, why = cgroups.cgroups_available()
    if not ok:
        pytest.skip(why)
    group = cgroups.SandboxCgroup(f"test-{os.getpid()}")
    try:
        memory_file = group.dirs["memory"] / (
            "memory.max" if cgroups._v2() else "memory.limit_in_bytes"
        )
        pids_file = group.dirs["pids"] / "pids.max"
        group.set_memory_limit(512 * 1024 * 1024)
        group.set_pids_limit(100)
        assert int(memory_file.read_text()) == 512 * 1024 * 1024
        assert pids_file.read_text().strip() == "100"
        pids_file.write_text("90")  # changed behind its back: the same value is not rewritten
        group.set_pids_limit(100)
        assert pids_file.read_text().strip() == "90"
        group.set_memory_limit(256 * 1024 * 1024)  # a new value is
        group.set_pids_limit(120)
        assert int(memory_file.read_text()) == 256 * 1024 * 1024
        assert pids_file.read_text().strip() == "120"
    finally:
        group.close()


# -- GPU runners ---------------------------------------------------------------------------------

ENVIRONMENT_AND_LIMITS = (
    "import os, resource\n"
    "print(os.environ.get('CUDA_VISIBLE_DEVICES'), os.environ.get('LD_LIBRARY_PATH'))\n"
    "print(resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY)\n"
    "print(sorted(os.listdir(os.environ['LD_LIBRARY_PATH'])) if os.environ.get('LD_LIBRARY_PATH') else None)"
)


def test_a_cuda_sandbox_keeps_the_runners_gpu_settings_and_no_address_space_cap(
    fork_engine, monkeypatch, tmp_path
):
    """CUDA reserves host address space of about twice the card's memory when it starts, so an
    engine that grades on CUDA sets no address-space cap (its control group caps memory); and
    it keeps CUDA_VISIBLE_DEVICES (the runner's choice of card) and LD_LIBRARY_PATH (where CUDA
    images keep the driver's libraries), its folders visible inside bubblewrap."""
    from grader.sandbox.forkengine import ForkEngine

    libraries = tmp_path / "nvidia" / "lib64"
    libraries.mkdir(parents=True)
    (libraries / "libcuda.so.1").write_bytes(b"")
    for folder in (tmp_path, libraries.parent, libraries):
        folder.chmod(0o755)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    monkeypatch.setenv("LD_LIBRARY_PATH", str(libraries))
    cuda_engine = ForkEngine(gpu=True)
    try:
        on_gpu = _run_batch(cuda_engine, [ENVIRONMENT_AND_LIMITS])
        isolation = cuda_engine.isolation()
        in_a_cgroup = cuda_engine.cgroup is not None
    finally:
        cuda_engine.close()
    assert [o.status for o in on_gpu] == ["ok"], on_gpu[0].error
    assert on_gpu[0].stdout.splitlines() == [f"1 {libraries}", "True", "['libcuda.so.1']"]
    assert "address space" not in isolation.resource_limits
    assert any("memory cap" in m for m in isolation.missing) == (not in_a_cgroup)

    # The CPU engine (started before these variables were set) keeps its cap and sees neither.
    on_cpu = _run_batch(fork_engine, [ENVIRONMENT_AND_LIMITS])
    assert on_cpu[0].stdout.splitlines() == ["None None", "False", "None"]
    assert "address space" in fork_engine.isolation().resource_limits


def test_a_cuda_kernel_engine_says_it_has_no_memory_cap():
    """The kernel engine has rlimits only (no control group): on CUDA, without RLIMIT_AS, its
    processes have no memory cap at all, and its isolation record must say so."""
    cpu_engine, gpu_engine = KernelEngine(), KernelEngine(gpu=True)
    try:
        if not cpu_engine.sandboxed:
            pytest.skip(f"the kernel engine has no sandbox here: {cpu_engine.why_not}")
        on_cpu, on_gpu = cpu_engine.isolation(), gpu_engine.isolation()
    finally:
        cpu_engine.close()
        gpu_engine.close()
    assert "address space" in on_cpu.resource_limits
    assert "address space" not in on_gpu.resource_limits
    assert any("memory cap" in m for m in on_gpu.missing)
    assert not any("memory cap" in m for m in on_cpu.missing)
