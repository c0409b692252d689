"""The IPython shell that runs a submission's cells in the sandbox, and the tweaks that make the
libraries behind it cheaper there (otter's client log, linecache's re-stats of installed
sources). What a cell prints, returns or raises is the same as in a student's Jupyter.
"""

from __future__ import annotations

import linecache
import os
import re
import sys


def skip_stat_of_installed_sources() -> None:
    """Make `linecache.checkcache()` stop re-reading the modification time of Python's and the
    installed packages' source files.

    Each doctest (an otter check in a check cell the student edited; grading skips the bare
    `grader.check` cells) runs it through its debugger's reset, and each traceback's formatting
    once more; it stats every file in the cache, and tracebacks (an expected `RuntimeError` in a
    public test) fill the cache with torch's sources. Those files are mounted read-only in the
    sandbox, so their lines cannot change; files a submission writes (in its scratch folder) are
    still checked as before. (What it saved: docs/sandbox.md, "History and measurements".)
    """
    installed = tuple(
        {os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr")}
    )
    check = linecache.checkcache

    def checkcache(filename: str | None = None) -> None:
        if filename is not None:
            if not filename.startswith(installed):
                check(filename)
            return
        for name in list(linecache.cache):
            if not name.startswith(installed):
                check(name)

    linecache.checkcache = checkcache


def skip_otter_client_log() -> None:
    """Make otter's `Notebook.check` (run by a check cell the student edited; grading skips the
    bare ones) stop appending to its client log `.OTTER_LOG`.

    That log is for a student's own Jupyter: otter dill-pickles every check's results into it,
    a large part of what a check costs (docs/sandbox.md, "History and measurements").
    In the sandbox it lands in a scratch folder that is wiped unread, and no score depends on
    it: the judge runs the public checks itself. What a check prints and returns is unchanged.
    """
    try:
        from otter.check.notebook import Notebook
    except Exception:  # another otter layout: keep its log
        return

    def _log_event(self, *args, **kwargs) -> None:
        """Not written in the grading sandbox (see skip_otter_client_log)."""

    Notebook._log_event = _log_event


# What IPython's input transformers act on (see IPython.core.inputtransformer2): a line that
# starts with %, !, ?, /, , or ; (magics, shell commands, help, autocall), `= %` and `= !`
# assignments, any ? (help), prompts pasted from a console or doctest (>>>, ..., In [n]:).
# A cell with none of them, whose first character is not blank, comes out of IPython's
# static transforms as it went in, but for blank-only lines (emptied) and a final newline.
_IPYTHON_SYNTAX = re.compile(r"^[ \t]*([%!?/,;]|>>>|\.\.\.|In \[)|=[ \t]*[%!]|\?", re.MULTILINE)
_BLANK_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)


def plain_python_cell(raw_cell: str) -> str | None:
    """`raw_cell` as IPython's static input transforms would leave it, when they are sure to
    change nothing else; None when IPython's own transforms must run."""
    if not raw_cell or raw_cell[0] in " \t\r\n\f" or _IPYTHON_SYNTAX.search(raw_cell):
        return None
    cell = _BLANK_LINE.sub("", raw_cell)  # as textwrap.dedent does in leading_indent
    return cell if cell.endswith("\n") else cell + "\n"


def make_shell():
    """The sandbox's IPython shell: no history database, no colours, text-only display."""
    from IPython.core.interactiveshell import InteractiveShell

    class SandboxShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """`%matplotlib inline` needs no GUI event loop (as in ipykernel)."""

        def transform_cell(self, raw_cell):
            """IPython's transform, but for a cell of plain Python (most cells) its static
            transforms are skipped: they tokenize every cell, which in a freshly forked child
            costs CPU and latency on every submission. As in IPython, a single line then goes
            through the prefilter (automagic: `pwd`); once the submission changes IPython's
            transformers, every cell goes through them.
            """
            cell = plain_python_cell(raw_cell)
            if cell is None or self._transformers_changed():
                return super().transform_cell(raw_cell)
            if len(cell.splitlines()) == 1:
                with self.builtin_trap:
                    cell = self.prefilter_manager.prefilter_lines(cell) + "\n"
            return cell

        def should_run_async(
            self, raw_cell, *, transformed_cell=None, preprocessing_exc_tuple=None
        ):
            """No top-level `await`/`async` in the text, no need to compile the cell to know."""
            if "await" not in raw_cell and "async" not in raw_cell:
                return False
            return super().should_run_async(
                raw_cell,
                transformed_cell=transformed_cell,
                preprocessing_exc_tuple=preprocessing_exc_tuple,
            )

        def _transformers_changed(self) -> bool:
            return self._transformers() != self._default_transformers

        def _transformers(self) -> tuple:
            manager = self.input_transformer_manager
            return (
                manager,
                tuple(manager.cleanup_transforms),
                tuple(manager.line_transforms),
                tuple(manager.token_transformers),
                tuple(self.input_transformers_post),
            )

    # No history database, no colours: the shell only runs cells.
    shell = SandboxShell.instance(colors="nocolor")
    shell._default_transformers = shell._transformers()
    shell.history_manager.enabled = False
    # A displayed value is only ever read as text (the tail of a cell's output): do not also
    # render it as HTML, Markdown, LaTeX, PNG... (a DataFrame's HTML alone costs milliseconds).
    shell.display_formatter.active_types = ["text/plain"]
    return shell
