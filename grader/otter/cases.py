"""Run imported otter-grader test cases against a student, honestly.

otter runs a test case *in the student's namespace*: `>>> np.allclose(f(x), y)` uses the
student's `np`, `f`, `x` and `y`, so a notebook that patches `np.allclose` (or otter's own doctest
runner) passes everything. Here a case is taken apart instead:

* **judge**: the case's code is *interpreted* (never `exec`'d) in the grader's process by a
  small evaluator over a whitelisted subset of Python (literals, names, calls, attributes,
  subscripts, operators, comparisons; `x = ...`, `assert`, `if`, `for`). The names `np`,
  `numpy`, `torch`, `pd`, `pandas` and `math` are the judge's own modules; other free names are
  the student's: a call `f(...)` crosses into the sandbox as `student.call`, a bare `x` is
  fetched as plain data with `student.value`. Comparisons, `repr` and the check of the expected
  output all run here.
* **sandbox**: code the evaluator does not accept (lambdas, `def`, `env`, private or
  I/O attributes, …) runs in the student's namespace, as otter would run it; only its value (as
  plain data) or its success comes back. Such a case is marked foolable when imported.

`syntax` decides, without running anything, where each case runs and whether student code
could still fool it (used by `importer`); `run_case` here grades a case (used by the
generated `checks.py` files); `evaluate` is the judge's evaluator.
"""

from __future__ import annotations

import ast
import doctest
from pathlib import Path
from typing import Any

from ..judge.assertions import CheckFailed
from ..judge.student import Student, StudentCodeProblem
from .evaluate import JudgeEvaluator
from .syntax import MODULE_NAMES, doctest_examples, exception_case_function

__all__ = ["CheckFailed", "load_cases", "run_all_or_nothing", "run_case"]

# ---------------------------------------------------------------------------------------------
# Running one case
# ---------------------------------------------------------------------------------------------

# otter compares doctest output with no option flags; so do we, so that scores agree.
OUTPUT_CHECKER = doctest.OutputChecker()
SANDBOX_VALUE = "_d2l_otter_value"


def _sandbox_run(student: Student, source: str) -> tuple[bool, str, str]:
    """Run `source` as a cell in the student's namespace: (ok, stdout, error line).

    The case's code is otter's, and runs where otter would run it: in the sandbox, never here.
    It goes over the same RPC as calls, so the call timeout and session-loss handling of
    `Student` apply.
    """
    return student.run_source(source)


def _example_output_judge(evaluator: JudgeEvaluator, tree: ast.Module) -> str:
    evaluator.output = []
    for index, statement in enumerate(tree.body):
        value = evaluator.run_statement(statement)
        # doctest (like the interactive prompt) shows the value of a final bare expression
        if index == len(tree.body) - 1 and isinstance(statement, ast.Expr) and value is not None:
            evaluator.output.append(repr(value) + "\n")
    return "".join(evaluator.output)


class CaseRaised(Exception):
    """A case run in the sandbox raised: `detail` is the student's "Type: message" line."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _example_output_sandbox(student: Student, source: str, tree: ast.Module) -> str:
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        head = ast.unparse(ast.Module(body=tree.body[:-1], type_ignores=[]))
        code = f"{head}\n{SANDBOX_VALUE} = ({ast.unparse(last.value)})"
        ok, stdout, error = _sandbox_run(student, code)
        if not ok:
            raise CaseRaised(error)
        value = student.value(SANDBOX_VALUE)
        return stdout + ("" if value is None else repr(value) + "\n")
    ok, stdout, error = _sandbox_run(student, source)
    if not ok:
        raise CaseRaised(error)
    return stdout


def run_doctest_case(student: Student, case: dict[str, Any]) -> None:
    """Grade one OK-format case: each example's output must equal the expected text."""
    evaluator = JudgeEvaluator(student)
    in_judge = case.get("runs_in", "judge") == "judge"
    for number, example in enumerate(doctest_examples(case["code"]), start=1):
        tree = ast.parse(example.source)
        try:
            got = (
                _example_output_judge(evaluator, tree)
                if in_judge
                else _example_output_sandbox(student, example.source, tree)
            )
        except (CheckFailed, StudentCodeProblem) as exc:
            raised = getattr(exc, "raised", None)  # StudentRaised: the student's exception
            if (
                example.exc_msg is not None
                and raised is not None
                and OUTPUT_CHECKER.check_output(
                    example.exc_msg, f"{raised.type.rsplit('.', 1)[-1]}: {raised.message}\n", 0
                )
            ):
                continue  # the exception the doctest expects, raised by the student's code
            raise _failure(case, number, example, str(exc)) from None
        except Exception as exc:
            # doctest semantics: an expected exception passes when its type and message match
            raised = exc.detail if isinstance(exc, CaseRaised) else f"{type(exc).__name__}: {exc}"
            if example.exc_msg is not None and OUTPUT_CHECKER.check_output(
                example.exc_msg, raised + "\n", 0
            ):
                continue
            raise _failure(case, number, example, f"raised {raised[:300]}") from None
        if example.exc_msg is not None or not OUTPUT_CHECKER.check_output(example.want, got, 0):
            raise _failure(case, number, example, f"got:\n{_indent(got)}")


def run_exception_case(student: Student, case: dict[str, Any]) -> None:
    """Grade one exception-based case: it passes when its body raises nothing."""
    function = exception_case_function(case["code"])
    params = [a.arg for a in function.args.args]
    if case.get("runs_in", "judge") == "sandbox":
        call = ", ".join(
            f"{p}=globals().get({p!r})" if p != "env" else "env=globals()" for p in params
        )
        ok, _, error = _sandbox_run(student, f"{case['code']}\n{function.name}({call})")
        if not ok:
            raise _exception_failure(case, error)
        return
    evaluator = JudgeEvaluator(student, tuple(p for p in params if p not in MODULE_NAMES))
    for param in evaluator.forced_student:
        # otter passes None for a name the notebook lacks; other names resolve lazily (a call
        # through the proxy, a value as plain data)
        if not student.defines(param):
            evaluator.locals[param] = None
    try:
        for statement in function.body:
            evaluator.run_statement(statement)
    except (CheckFailed, StudentCodeProblem) as exc:
        raise _exception_failure(case, str(exc)) from None
    except Exception as exc:
        raise _exception_failure(case, f"{type(exc).__name__}: {exc}") from None


def run_case(student: Student, case: dict[str, Any]) -> None:
    if case["format"] == "exception":
        run_exception_case(student, case)
    else:
        run_doctest_case(student, case)


def run_all_or_nothing(student: Student, cases: list[dict[str, Any]]) -> None:
    """otter's all_or_nothing: the question's points only when every case passes."""
    for case in cases:
        run_case(student, case)


def _indent(text: str) -> str:
    return "".join("    " + line + "\n" for line in (text or "<nothing>\n").splitlines())


def _failure(
    case: dict[str, Any], number: int, example: doctest.Example, detail: str
) -> CheckFailed:
    if case.get("hidden", True):
        # never show a hidden case's expected output (otter does; we do not)
        return CheckFailed(f"hidden case {case['name']!r} failed")
    return CheckFailed(
        f"{case['name']}: >>> {example.source.strip()}\nExpected:\n{_indent(example.want)}{detail}"
    )


def _exception_failure(case: dict[str, Any], detail: str) -> CheckFailed:
    if case.get("hidden", True):
        return CheckFailed(f"hidden case {case['name']!r} failed")
    return CheckFailed(f"{case['name']}: {detail}")


def load_cases(checks_file: str | Path) -> dict[str, Any]:
    """The `otter:` block of the question.yaml next to a generated checks.py."""
    import yaml

    path = Path(checks_file).with_name("question.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["otter"]
