"""What an otter test case may be, decided by parsing alone: where it runs and whether student
code could still fool it (see grader/otter/cases.py and docs/otter.md)."""

from __future__ import annotations

import ast
import builtins
import doctest
from dataclasses import dataclass

# Module names a test may use: bound to the judge's modules, never to the student's.
MODULE_NAMES = ("np", "numpy", "torch", "pd", "pandas", "math")

SAFE_BUILTINS = (
    "abs all any bool dict divmod enumerate float frozenset int isinstance len list max min "
    "range repr reversed round set sorted str sum tuple type zip print None True False"
).split()

# The other builtins: a case using one runs in the sandbox, where the name means what it means
# in otter (a builtin, or the student's own function of that name).
OTHER_BUILTINS = frozenset(dir(builtins)) - set(SAFE_BUILTINS)

# Attribute names the evaluator refuses (they touch files, processes or global state): any name
# containing one of these parts, starting with one of these prefixes, or equal to one of these.
DENIED_ATTRIBUTE_PARTS = (
    "load",
    "save",
    "file",
    "read",
    "write",
    "open",
    "exec",
    "eval",
    "system",
    "compile",
    "import",
    "pickle",
    "seed",
    "environ",
    "remove",
    "unlink",
    "register",
    "popen",
    "spawn",
    "fork",
    "kill",
    "exit",
    "rmtree",
    "chdir",
)
DENIED_ATTRIBUTE_PREFIXES = ("_", "set_", "to_")
DENIED_ATTRIBUTE_NAMES = frozenset(
    "os sys subprocess shutil builtins ctypes ctypeslib ops hub library cuda".split()
)

# Calls whose result is a verdict (two values compared): if both sides come from the student's
# namespace, the student controls the reference too.
COMPARING_FUNCTIONS = (
    "allclose",
    "isclose",
    "equal",
    "array_equal",
    "array_almost_equal",
    "assert_allclose",
    "assert_equal",
    "assert_array_equal",
    "assert_almost_equal",
    "assert_close",
    "assert_frame_equal",
    "assert_series_equal",
    "isinstance",
)

STATEMENTS = (ast.Expr, ast.Assign, ast.Assert, ast.If, ast.For, ast.Pass)
EXPRESSIONS = (
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Call,
    ast.keyword,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.DictComp,
    ast.comprehension,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Load,
    ast.Store,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
    ast.expr_context,
)


class Unsupported(Exception):
    """The code uses something the judge's evaluator does not interpret: run it in the sandbox."""


# ---------------------------------------------------------------------------------------------
# Static analysis (import time)
# ---------------------------------------------------------------------------------------------


@dataclass
class CaseAnalysis:
    runs_in: str  # judge | sandbox
    foolable: bool
    why: str  # one line, for the import report and question.yaml
    student_names: list[str]


def unsupported_reason(tree: ast.AST) -> str | None:
    """Why the evaluator cannot interpret `tree` (a parsed module), or None when it can."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module):
            continue
        if isinstance(node, STATEMENTS):
            if isinstance(node, ast.Assign) and not all(_plain_target(t) for t in node.targets):
                return "assigns to something other than a name"
            if isinstance(node, ast.For) and (node.orelse or not _plain_target(node.target)):
                return "a for loop with else or a complex target"
            continue
        if not isinstance(node, EXPRESSIONS):
            return f"uses {type(node).__name__}"
        if isinstance(node, ast.comprehension) and (
            node.is_async or not _plain_target(node.target)
        ):
            return "an async comprehension or one with a complex target"
        if isinstance(node, ast.Attribute) and denied_attribute(node.attr):
            return f"uses the attribute .{node.attr}"
        if isinstance(node, ast.Name) and (node.id.startswith("__") or node.id == "env"):
            return f"uses the name {node.id}"
        if isinstance(node, ast.Name) and node.id in OTHER_BUILTINS:
            # `next(gen)`, `iter(x)`, `getattr(o, n)`: they work on the student's objects
            # themselves, which do not cross into the judge (only plain data does)
            return f"uses the builtin `{node.id}`, which needs the student's objects themselves"
    return None


def _plain_target(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts)


def denied_attribute(name: str) -> bool:
    return (
        name in DENIED_ATTRIBUTE_NAMES
        or name.startswith(DENIED_ATTRIBUTE_PREFIXES)
        or any(part in name for part in DENIED_ATTRIBUTE_PARTS)
    )


def _target_names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


class _Dependencies:
    """Which names a test binds itself, and which expressions depend on the student's names."""

    def __init__(self, params: tuple[str, ...] = ()) -> None:
        self.local_pure: set[str] = set()  # bound by the test from judge-only data
        self.local_student: set[str] = set()  # bound by the test from student data
        # parameters of an exception test are student names, except module names (np, torch…),
        # which are the judge's modules here
        self.student: set[str] = {p for p in params if p not in MODULE_NAMES}
        self.problems: list[str] = []

    def is_student(self, name: str) -> bool:
        if name in self.local_pure:
            return False
        if name in self.local_student or name in self.student:
            return True
        return name not in MODULE_NAMES and name not in SAFE_BUILTINS

    def depends(self, node: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and self.is_student(n.id)
            for n in ast.walk(node)
        )

    def names(self, node: ast.AST) -> set[str]:
        return {
            n.id
            for n in ast.walk(node)
            if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)
            and self.is_student(n.id)
            and n.id not in self.local_student
        }

    def bind_comprehensions(self, statement: ast.stmt) -> None:
        """Comprehension variables are the test's own, holding student data if they iterate it."""
        for node in ast.walk(statement):
            if isinstance(node, ast.comprehension):
                student = self.depends(node.iter)
                for name in _target_names(node.target):
                    (self.local_student if student else self.local_pure).add(name)

    def visit_statement(self, statement: ast.stmt, verdict: bool) -> None:
        """`verdict`: this statement's truth decides the case (an assert, or a doctest line)."""
        for node in ast.walk(statement):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if sum(self.depends(s) for s in sides) >= 2:
                    self.problems.append(
                        f"`{ast.unparse(node)}` compares two values that both come from the student's namespace"
                    )
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in COMPARING_FUNCTIONS:
                    args = [*node.args, *(k.value for k in node.keywords)]
                    if sum(self.depends(a) for a in args) >= 2:
                        self.problems.append(
                            f"`{ast.unparse(node)}` compares two values that both come from the student's namespace"
                        )
        if isinstance(statement, ast.Assert) and verdict:
            test = statement.test
            if (
                self.depends(test)
                and not isinstance(test, ast.Compare)
                and not (
                    isinstance(test, ast.Call)
                    and (
                        getattr(test.func, "attr", None) in COMPARING_FUNCTIONS
                        or getattr(test.func, "id", None) in COMPARING_FUNCTIONS
                    )
                )
            ):
                self.problems.append(
                    f"`assert {ast.unparse(test)}`: the verdict is a value the student's code returns"
                )
        if isinstance(statement, ast.Assign):
            student = self.depends(statement.value)
            for target in statement.targets:
                for name in _target_names(target):
                    (self.local_student if student else self.local_pure).add(name)
                    (self.local_pure if student else self.local_student).discard(name)
        if isinstance(statement, ast.For):
            for name in _target_names(statement.target):
                (self.local_student if self.depends(statement.iter) else self.local_pure).add(name)
            for inner in statement.body:
                self.visit_statement(inner, verdict)
        if isinstance(statement, ast.If):
            for inner in [*statement.body, *statement.orelse]:
                self.visit_statement(inner, verdict)


def doctest_examples(code: str) -> list[doctest.Example]:
    return doctest.DocTestParser().get_examples(code)


def analyse_doctest(code: str) -> CaseAnalysis:
    deps = _Dependencies()
    names: set[str] = set()
    reasons: list[str] = []
    for example in doctest_examples(code):
        try:
            tree = ast.parse(example.source)
        except SyntaxError as exc:
            reasons.append(f"`{example.source.strip()}` is not valid Python ({exc.msg})")
            continue
        reason = unsupported_reason(tree)
        if reason:
            reasons.append(f"`{example.source.strip()}` {reason}")
        for statement in tree.body:
            deps.bind_comprehensions(statement)
            names |= deps.names(statement)
            deps.visit_statement(statement, verdict=True)
    return _conclude(reasons, deps, names)


def exception_case_function(source: str) -> ast.FunctionDef:
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(functions) != 1:
        raise ValueError("an exception-based case must be one function definition")
    return functions[0]


def analyse_exception_case(source: str) -> CaseAnalysis:
    function = exception_case_function(source)
    params = tuple(a.arg for a in function.args.args)
    deps = _Dependencies(params)
    names: set[str] = {p for p in params if p != "env" and p not in MODULE_NAMES}
    reasons = []
    if "env" in params:
        reasons.append("takes the whole namespace (`env`)")
    if function.args.vararg or function.args.kwarg or function.args.kwonlyargs:
        reasons.append("has *args, **kwargs or keyword-only parameters")
    body = ast.Module(body=function.body, type_ignores=[])
    reason = unsupported_reason(body)
    if reason:
        reasons.append(reason)
    for statement in function.body:
        deps.bind_comprehensions(statement)
        names |= deps.names(statement)
        deps.visit_statement(statement, verdict=True)
    return _conclude(reasons, deps, names)


def _conclude(reasons: list[str], deps: _Dependencies, names: set[str]) -> CaseAnalysis:
    student_names = sorted(names)
    if reasons:
        return CaseAnalysis(
            "sandbox",
            True,
            "runs in the student's namespace, as in otter: " + "; ".join(reasons),
            student_names,
        )
    if deps.problems:
        return CaseAnalysis("judge", True, deps.problems[0], student_names)
    return CaseAnalysis(
        "judge",
        False,
        "evaluated in the judge; the student's code only supplies "
        + (", ".join(f"`{n}`" for n in student_names) or "nothing"),
        student_names,
    )
