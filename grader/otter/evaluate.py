"""The judge's evaluator for otter test code: a whitelisted subset of Python, interpreted (never
`exec`'d) in the grader's process, with the student's names reached through the `student` proxy."""

from __future__ import annotations

import ast
import builtins
import math
import operator
import types
from typing import Any

import numpy as np
import torch

from ..judge.student import Student
from .syntax import SAFE_BUILTINS, Unsupported, denied_attribute

BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}
UNARY = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}
COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

# ---------------------------------------------------------------------------------------------
# The evaluator (grading time)
# ---------------------------------------------------------------------------------------------


def _modules() -> dict[str, Any]:
    import pandas as pd

    return {"np": np, "numpy": np, "torch": torch, "pd": pd, "pandas": pd, "math": math}


class JudgeEvaluator:
    """Interprets the whitelisted subset; student names resolve through the `student` proxy."""

    def __init__(self, student: Student, student_names: tuple[str, ...] = ()) -> None:
        self.student = student
        self.locals: dict[str, Any] = {}
        self.forced_student = set(student_names)
        self.modules = _modules()
        self.output: list[str] = []
        self.builtins = {n: getattr(builtins, n) for n in SAFE_BUILTINS if hasattr(builtins, n)}
        self.builtins["print"] = self._print
        for constant in ("None", "True", "False"):
            self.builtins.pop(constant, None)

    def _print(self, *args: Any, sep: str = " ", end: str = "\n") -> None:
        self.output.append(sep.join(str(a) for a in args) + end)

    # names -------------------------------------------------------------------------------

    def _is_student(self, name: str) -> bool:
        if name in self.locals:
            return False
        return name in self.forced_student or (
            name not in self.modules and name not in self.builtins
        )

    def name(self, name: str) -> Any:
        if name in self.locals:
            return self.locals[name]
        if self._is_student(name):
            return self.student.value(name)
        if name in self.modules:
            return self.modules[name]
        return self.builtins[name]

    # statements --------------------------------------------------------------------------

    def run_statement(self, node: ast.stmt) -> Any:
        """Runs one statement; returns the value of an expression statement (else None)."""
        if isinstance(node, ast.Expr):
            return self.eval(node.value)
        if isinstance(node, ast.Assign):
            value = self.eval(node.value)
            for target in node.targets:
                self._assign(target, value)
            return None
        if isinstance(node, ast.Assert):
            if not self.eval(node.test):
                message = self.eval(node.msg) if node.msg is not None else ""
                raise AssertionError(str(message))
            return None
        if isinstance(node, ast.If):
            for inner in node.body if self.eval(node.test) else node.orelse:
                self.run_statement(inner)
            return None
        if isinstance(node, ast.For):
            for item in self.eval(node.iter):
                self._assign(node.target, item)
                for inner in node.body:
                    self.run_statement(inner)
            return None
        if isinstance(node, ast.Pass):
            return None
        raise Unsupported(type(node).__name__)

    def _assign(self, target: ast.AST, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.locals[target.id] = value
        elif isinstance(target, ast.Tuple):
            values = list(value)
            if len(values) != len(target.elts):
                raise ValueError("cannot unpack")
            for element, item in zip(target.elts, values, strict=True):
                self._assign(element, item)
        else:
            raise Unsupported("assignment target")

    # expressions -------------------------------------------------------------------------

    def eval(self, node: ast.AST) -> Any:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(type(node).__name__)
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id.startswith("__"):
            raise Unsupported(node.id)
        return self.name(node.id)

    def _Attribute(self, node: ast.Attribute) -> Any:
        if denied_attribute(node.attr):
            raise Unsupported(node.attr)
        value = getattr(self.eval(node.value), node.attr)
        # `torch.os`, `np.sys`…: modules re-exported by the allowed ones lead out of the subset
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] not in (
            "numpy",
            "torch",
            "pandas",
            "math",
        ):
            raise Unsupported(f"the module {value.__name__}")
        return value

    def _Subscript(self, node: ast.Subscript) -> Any:
        return self.eval(node.value)[self.eval(node.slice)]

    def _Slice(self, node: ast.Slice) -> Any:
        part = [None if n is None else self.eval(n) for n in (node.lower, node.upper, node.step)]
        return slice(*part)

    def _Call(self, node: ast.Call) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise Unsupported("*args")
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg is not None}
        if isinstance(node.func, ast.Name) and self._is_student(node.func.id):
            return self.student.function(node.func.id, sync_inputs=True)(*args, **kwargs)
        return self.eval(node.func)(*args, **kwargs)

    def _BinOp(self, node: ast.BinOp) -> Any:
        return BINARY[type(node.op)](self.eval(node.left), self.eval(node.right))

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        return UNARY[type(node.op)](self.eval(node.operand))

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node)
            result = COMPARE[type(op)](left, right)
            if not result:
                return result
            left = right
        return result

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def _comprehend(self, generators: list[ast.comprehension], emit: Any) -> None:
        saved = dict(self.locals)  # comprehension variables do not leak, as in Python 3
        try:

            def loop(index: int) -> None:
                if index == len(generators):
                    emit()
                    return
                generator = generators[index]
                for item in self.eval(generator.iter):
                    self._assign(generator.target, item)
                    if all(self.eval(condition) for condition in generator.ifs):
                        loop(index + 1)

            loop(0)
        finally:
            self.locals = saved

    def _ListComp(self, node: ast.ListComp) -> Any:
        out: list[Any] = []
        self._comprehend(node.generators, lambda: out.append(self.eval(node.elt)))
        return out

    def _GeneratorExp(self, node: ast.GeneratorExp) -> Any:
        return iter(self._ListComp(node))  # type: ignore[arg-type]

    def _SetComp(self, node: ast.SetComp) -> Any:
        return set(self._ListComp(node))  # type: ignore[arg-type]

    def _DictComp(self, node: ast.DictComp) -> Any:
        out: dict[Any, Any] = {}
        self._comprehend(
            node.generators, lambda: out.__setitem__(self.eval(node.key), self.eval(node.value))
        )
        return out

    def _List(self, node: ast.List) -> Any:
        return [self.eval(e) for e in node.elts]

    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.eval(e) for e in node.elts)

    def _Set(self, node: ast.Set) -> Any:
        return {self.eval(e) for e in node.elts}

    def _Dict(self, node: ast.Dict) -> Any:
        if any(k is None for k in node.keys):
            raise Unsupported("**mapping")
        return {self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values, strict=True)}
