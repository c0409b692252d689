"""Attacks on the host: finding the bank, other processes, secrets, the network, host files,
and leaving something behind for the next submission.

A probe cell raises when it finds what it must not find; the grader's own record of that cell's
status says whether it did. These need the OS sandbox (bubblewrap as root): where the machine
cannot give it, they skip and the result's `isolation.missing` says what was missing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from ..conftest import ROOT
from .conftest import SECRET_NAME, SECRET_VALUE
from .notebooks import code, solution_plus, write_everywhere


def _probe_ok(attack, graded, cell: int) -> None:
    outcome = graded.cell(cell)
    assert outcome["status"] == "ok", f"the probe found something: {outcome['error']}"


@pytest.fixture
def planted(attack):
    """Files with the attack's marker in their content and name, where the grader lives."""
    paths = [
        ROOT / "tests" / "hostile" / f"planted-{attack.marker}",
        ROOT.parent / f"planted-{attack.marker}",
    ]
    paths.append(__import__("pathlib").Path("/tmp") / f"planted-{attack.marker}")
    made = []
    for path in paths:
        try:
            path.write_text(f"hidden answer {attack.marker}\n")
            made.append(path)
        except OSError:
            pass
    yield made
    for path in made:
        path.unlink(missing_ok=True)


def test_the_filesystem_holds_no_bank_solutions_or_grader_files(
    attack, isolated, planted, full_scores, tmp_path
):
    probe = code(
        f"""
        import os, sys
        marker = {attack.marker!r}
        found = []
        for path in {[str(p) for p in planted]!r} + [
            {str(ROOT / "bank")!r}, {str(ROOT / "solutions")!r}, {str(ROOT / "grader")!r},
            {str(ROOT / "tests")!r}, {str(ROOT / ".git")!r}, '/root/.ssh', '/home', '/etc/passwd',
            '/etc/shadow', '/var', '/srv', '/mnt', '/media',
        ]:
            if os.path.exists(path):
                found.append(path)
        if os.path.isdir({str(ROOT)!r}):
            found += [n for n in os.listdir({str(ROOT)!r}) if n != '.venv']
        # The Python installation and /usr are mounted read-only on purpose; walk the rest.
        skip = {{'/proc', '/sys', '/dev', '/usr'}} | {{os.path.realpath(p) for p in
                (sys.prefix, sys.base_prefix, sys.exec_prefix)}}
        for top, dirs, files in os.walk('/'):
            dirs[:] = [d for d in dirs if os.path.join(top, d) not in skip]
            for name in files + dirs:
                if (marker in name or name in ('checks.py', 'question.yaml', 'bank')
                        or name.endswith('.ipynb') or 'gradebook' in name):
                    found.append(os.path.join(top, name))
        if found:
            raise RuntimeError(f'visible to the sandbox: {{found[:10]}}')
        """
    )
    path, cells = solution_plus(tmp_path / "search.ipynb", probe)
    graded = attack.grade(path, cell_timeout=20)
    _probe_ok(attack, graded, cells[0])
    assert graded.scores == full_scores
    attack.assert_clean(still_grades=False)


def test_proc_shows_no_host_process_or_its_environment(attack, isolated, full_scores, tmp_path):
    # A host process holding the secret in its environment and the marker in its command line.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", attack.marker],
        env={SECRET_NAME: SECRET_VALUE, "PATH": "/usr/bin:/bin"},
    )
    try:
        probe = code(
            f"""
            import os
            secret, marker = {SECRET_VALUE!r}.encode(), {attack.marker!r}.encode()
            found = []
            for pid in [p for p in os.listdir('/proc') if p.isdigit()] + ['self']:
                for part in ('environ', 'cmdline'):
                    try:
                        with open(f'/proc/{{pid}}/{{part}}', 'rb') as handle:
                            data = handle.read()
                    except OSError:
                        continue
                    if secret in data or marker in data or b'pytest' in data:
                        found.append((pid, part))
            parent = os.getppid()
            for part in ('environ', 'mem', 'fd', 'root/etc/hostname'):
                try:
                    os.listdir(f'/proc/{{parent}}/{{part}}') if part == 'fd' else open(
                        f'/proc/{{parent}}/{{part}}', 'rb').read(16)
                    found.append(('parent', part))
                except OSError:
                    pass
            if found:
                raise RuntimeError(f'readable: {{found}}')
            """
        )
        path, cells = solution_plus(tmp_path / "proc.ipynb", probe)
        graded = attack.grade(path)
        _probe_ok(attack, graded, cells[0])
        assert graded.scores == full_scores
    finally:
        holder.kill()
        holder.wait()
    attack.assert_clean(still_grades=False)


def test_the_environment_is_scrubbed(attack, full_scores, tmp_path):
    probe = code(
        f"""
        import os
        try:
            with open('/proc/self/environ', 'rb') as handle:
                raw = handle.read()
        except OSError:  # not dumpable: the file is root's
            raw = b''
        suspicious = [k for k in os.environ if any(w in k.upper() for w in
                      ('SECRET', 'TOKEN', 'KEY', 'PASSWORD', 'GITHUB', 'AWS', 'GRADER', 'CI'))]
        if {SECRET_VALUE!r} in str(os.environ) or {SECRET_VALUE!r}.encode() in raw or suspicious:
            raise RuntimeError(f'environment leaks: {{suspicious}}')
        """
    )
    path, cells = solution_plus(tmp_path / "env.ipynb", probe)
    graded = attack.grade(path)
    _probe_ok(attack, graded, cells[0])
    assert graded.scores == full_scores
    attack.assert_clean(still_grades=False)


def test_memory_holds_no_check_code(attack, full_scores, tmp_path):
    # Strings that appear only in the bank's hidden checks and the judge.
    probe = code(
        """
        import gc, sys
        needles = ('torch_answer', 'check_equal(', 'grader_bank_checks', 'test_known_pairs',
                   'CheckFailed', 'hidden check', 'SUM_SHAPES should be')
        found = []
        for obj in gc.get_objects():
            try:
                if isinstance(obj, str) and any(n in obj for n in needles):
                    found.append(obj[:60])
                elif callable(obj) and str(getattr(obj, '__module__', '')).startswith(('grader', 'bank')):
                    found.append(repr(obj)[:60])
            except Exception:
                pass
        found += [m for m in sys.modules if m.startswith(('grader', 'bank', 'solutions'))]
        if found:
            raise RuntimeError(f'check code in memory: {found[:5]}')
        """
    )
    path, cells = solution_plus(tmp_path / "gc.ipynb", probe)
    graded = attack.grade(path)
    _probe_ok(attack, graded, cells[0])
    assert graded.scores == full_scores
    attack.assert_clean(still_grades=False)


@pytest.fixture
def loopback_servers(attack):
    """A TCP and a UDP server on the host's loopback, and an abstract Unix socket: nothing
    may reach them from the sandbox."""
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind("\0" + attack.marker)
    unix.listen(8)
    unix.settimeout(0.2)
    reached: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for name, sock in (("tcp", tcp), ("unix", unix)):
                try:
                    conn, _ = sock.accept()
                    reached.append(name)
                    conn.close()
                except OSError:
                    pass
            try:
                udp.recvfrom(100)
                reached.append("udp")
            except OSError:
                pass

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield {"tcp": tcp.getsockname()[1], "udp": udp.getsockname()[1], "reached": reached}
    stop.set()
    thread.join(5)
    for sock in (tcp, udp, unix):
        sock.close()


def test_no_network(attack, isolated, loopback_servers, full_scores, tmp_path):
    ports = loopback_servers
    probe = code(
        f"""
        import socket
        reached = []
        for address in [('127.0.0.1', {ports["tcp"]}), ('192.0.2.1', 80), ('8.8.8.8', 53)]:
            s = socket.socket(); s.settimeout(0.5)
            try:
                s.connect(address); reached.append(address)
            except OSError:
                pass
            s.close()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.sendto(b'hello', ('127.0.0.1', {ports["udp"]}))
        except OSError:
            pass
        x = socket.socket(socket.AF_UNIX)
        try:
            x.connect('\\0' + {attack.marker!r}); reached.append('abstract unix socket')
        except OSError:
            pass
        interfaces = [name for _, name in socket.if_nameindex() if name != 'lo']
        if reached or interfaces:
            raise RuntimeError(f'network: {{reached}} {{interfaces}}')
        """
    )
    path, cells = solution_plus(tmp_path / "net.ipynb", probe)
    graded = attack.grade(path)
    _probe_ok(attack, graded, cells[0])
    assert ports["reached"] == []
    assert graded.scores == full_scores
    assert graded.seconds < attack.slack
    attack.assert_clean(still_grades=False)


def test_writes_to_host_folders_stay_in_the_sandbox(attack, full_scores, tmp_path):
    # /tmp, the project, the home folder, / and site-packages (a .pth file there would run in
    # every Python on the machine): after grading, none holds the marker's file.
    path, cells = solution_plus(
        tmp_path / "write.ipynb", write_everywhere(attack.marker, attack.sentinel_dirs)
    )
    graded = attack.grade(path)
    assert graded.scores == full_scores
    attack.assert_clean()


LEAVE_FILES = code(
    """
    import os
    for target in ['/tmp/{m}', '/dev/shm/{m}', '/sandbox/{m}', '{m}', '../{m}', '../data/{m}',
                   os.path.join(os.environ.get('HOME', '.'), '{m}'),
                   os.path.join(os.environ.get('TMPDIR', '.'), '{m}')]:
        try:
            with open(target, 'w') as handle:
                handle.write('left for the next submission')
        except OSError:
            pass
    # Fill what can be filled: the next submission must start with room.
    for index in range(8):
        try:
            with open(f'/tmp/fill{{index}}', 'wb') as handle:
                for _ in range(64):
                    handle.write(b'x' * 2**20)
        except OSError:
            break
    """
)

FIND_FILES = code(
    """
    import os, sys
    found = []
    # The Python installation is mounted read-only at its host path, which may be under /tmp
    # (a checkout in /tmp): its own files are not leftovers.
    python = tuple(os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix))
    for top in ['/tmp', '/dev/shm', '/sandbox', '..', os.environ.get('HOME', '.')]:
        for root, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not (os.path.realpath(os.path.join(root, d)) + os.sep).startswith(python)]
            found += [os.path.join(root, f) for f in files if '{m}' in f or f.startswith('fill')]
    free = os.statvfs('/tmp').f_bavail * os.statvfs('/tmp').f_frsize
    if found or free < 128 * 2**20:
        raise RuntimeError(f'left behind: {{found[:5]}}, {{free}} bytes free in /tmp')
    """
)


def test_files_do_not_survive_into_the_next_submission(attack, full_scores, tmp_path):
    first, _ = solution_plus(tmp_path / "leave.ipynb", LEAVE_FILES.format(m=attack.marker))
    second, cells = solution_plus(tmp_path / "find.ipynb", FIND_FILES.format(m=attack.marker))
    attack.grade(first, questions=["grid"])
    graded = attack.grade(second)
    _probe_ok(attack, graded, cells[0])
    assert graded.scores == full_scores
    attack.assert_clean(still_grades=False)


LEAVE_IPC = code(
    """
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x{k}
    made = [libc.shmget(key, 4096, 0o1666), libc.msgget(key, 0o1666), libc.semget(key, 1, 0o1666)]
    if min(made) < 0:
        raise OSError(ctypes.get_errno(), 'System V IPC could not be created: ' + str(made))
    """
)

FIND_IPC = code(
    """
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x{k}
    found = [libc.shmget(key, 0, 0), libc.msgget(key, 0), libc.semget(key, 0, 0)]
    if max(found) >= 0:
        raise RuntimeError(f'System V IPC objects of the previous submission: {{found}}')
    """
)


# Finding F3 (fixed): System V IPC objects used to outlive their submission.
def test_ipc_objects_do_not_survive_into_the_next_submission(attack, isolated, tmp_path):
    key = attack.marker[4:]  # eight hex digits
    first, left = solution_plus(tmp_path / "leave.ipynb", LEAVE_IPC.format(k=key))
    second, cells = solution_plus(tmp_path / "find.ipynb", FIND_IPC.format(k=key))
    assert attack.grade(first, questions=["grid"]).status(left[0]) == "ok"
    graded = attack.grade(second, questions=["grid"])
    _probe_ok(attack, graded, cells[0])
