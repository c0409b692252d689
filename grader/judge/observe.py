"""What a check saw the student's code do, call by call: the material of a diagnosis.

While a question is graded, the `student` proxy records one `Observation` per request it makes:
the returned value or the exception's type, the arguments after the call, gradients and identity
facts about tensors, whether autograd ran. The judge records the same for a mutant (bank code,
run in this process with the same seed, so the checks make the same calls with the same
arguments), and a student whose observations all equal a mutant's behaves like that mistake.

"Equal" is tolerant where floating point is: two ways of writing one mistake (`(A @ x) * 2` and
`2 * (A @ x)`) round differently. `fingerprint` is the same comparison made hashable (values
rounded to 4 significant digits), so `grader bank mine` can group students whose wrong answers
behave alike. Observed values are decoded plain data (never student objects) and nothing here
executes them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..sandbox.inside.codec import Opaque, remote_info

RTOL = 1e-4
ATOL = 1e-6
MAX_FINGERPRINT_ITEMS = 4096  # values of one tensor that enter a fingerprint
MAX_CANONICAL_VALUES = 200_000  # values of one question's observations that enter it


@dataclass(frozen=True)
class Observation:
    check: str  # the check case that made the request
    op: str  # call | get | describe | run
    name: str  # the student's name it was about
    seen: Any  # plain data: what came back (see Student)

    def same_request(self, other: Observation) -> bool:
        return (self.check, self.op, self.name) == (other.check, other.op, other.name)


def same(a: Any, b: Any) -> bool:
    """Whether two observed values are the same behaviour (tolerant for floating point)."""
    if type(a) is torch.Tensor or type(b) is torch.Tensor:
        return type(a) is type(b) and _same_tensor(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            type(a) is type(b)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and _same_tensor(torch.from_numpy(np.ascontiguousarray(a)), torch.from_numpy(b))
        )
    if isinstance(a, Opaque) or isinstance(b, Opaque):
        return isinstance(a, Opaque) and isinstance(b, Opaque) and a.type_name == b.type_name
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        # One sequence either way: the checks accept a list where a tuple is asked for.
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if _is_pandas(a):
        return _same_pandas(a, b)
    try:
        return bool(a == b)
    except Exception:
        return False


def _same_tensor(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    info_a, info_b = remote_info(a), remote_info(b)
    if _info_facts(info_a) != _info_facts(info_b):
        return False
    if info_a is not None and info_b is not None and not same(info_a.grad, info_b.grad):
        return False
    if a.device.type == "meta" or b.device.type == "meta":
        return a.device.type == b.device.type
    x, y = a.detach().cpu(), b.detach().cpu()
    if x.dtype.is_floating_point or x.dtype.is_complex:
        return bool(torch.allclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True))
    return bool(torch.equal(x, y))


def _info_facts(info: Any) -> tuple:
    if info is None:
        return ()
    return (
        info.device.partition(":")[0],
        info.requires_grad,
        info.same_as,
        info.shares_storage_with,
        info.grad is None,
    )


def _is_pandas(value: Any) -> bool:
    return type(value).__module__.startswith("pandas")


def _same_pandas(a: Any, b: Any) -> bool:
    import pandas as pd

    try:
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=ATOL)
        else:
            pd.testing.assert_series_equal(a, b, check_exact=False, rtol=RTOL, atol=ATOL)
    except (AssertionError, TypeError, ValueError):
        return False
    return True


# -- fingerprints -------------------------------------------------------------------------------


class _Canonical:
    """`canonical` with a budget: a hostile answer may return one tensor ten thousand times (it
    crosses the wire once), which must not become ten thousand copies of its values here."""

    def __init__(self, budget: int) -> None:
        self.budget = budget  # values still to read
        self.seen: dict[int, int] = {}  # id of a tensor already read -> its number

    def __call__(self, value: Any) -> Any:
        if self.budget <= 0:
            return ("truncated",)
        if type(value) is torch.Tensor:
            self.budget -= 1
            if id(value) in self.seen:  # the same tensor again (as the sandbox sent it)
                return ("same", self.seen[id(value)])
            self.seen[id(value)] = len(self.seen)
            return self._tensor(value)
        if isinstance(value, np.ndarray):
            flat = value.reshape(-1)[: self._take(value.size)]
            return ("array", str(value.dtype), value.shape, _rounded(torch.from_numpy(flat.copy())))
        if isinstance(value, Opaque):
            return ("opaque", value.type_name)
        if isinstance(value, float):
            self.budget -= 1
            return ("float", _round(value))
        if isinstance(value, (tuple, list)):
            self.budget -= 1
            return ("sequence", tuple(self(v) for v in value))
        if isinstance(value, dict):
            self.budget -= 1
            return ("dict", tuple(sorted((repr(k), self(v)) for k, v in value.items())))
        if _is_pandas(value):
            self.budget -= value.size
            return ("pandas", type(value).__name__, repr(value.to_dict()))
        self.budget -= 1
        if value is None or isinstance(value, (bool, int, str)):
            return (type(value).__name__, value)
        return ("other", type(value).__name__, repr(value)[:200])

    def _take(self, count: int) -> int:
        taken = min(count, MAX_FINGERPRINT_ITEMS, max(self.budget, 0))
        self.budget -= max(taken, 1)
        return taken

    def _tensor(self, value: torch.Tensor) -> Any:
        info = remote_info(value)
        facts = _info_facts(info)
        grad = self(info.grad) if info is not None and info.grad is not None else None
        head = ("tensor", str(value.dtype), tuple(value.shape), facts)
        if value.device.type == "meta":
            self.budget -= 1
            return (*head, "meta", grad)
        # Only the first values are read: reshape(-1) of an expanded tensor would copy it all.
        flat = (
            value.detach().cpu().flatten()[: self._take(value.numel())] if value.numel() else value
        )
        return (*head, _rounded(flat), grad)


def canonical(value: Any, budget: int = MAX_CANONICAL_VALUES) -> Any:
    """A hashable, printable stand-in of an observed value: what `same` compares, rounded.
    Reads at most `budget` values (a tensor counts its elements, at most
    MAX_FINGERPRINT_ITEMS of them; a tensor met twice is read once)."""
    return _Canonical(budget)(value)


def _rounded(tensor: torch.Tensor) -> tuple:
    flat = tensor.detach().cpu().reshape(-1)
    if flat.dtype.is_complex:
        flat = torch.view_as_real(flat).reshape(-1)
    if flat.dtype.is_floating_point:
        return tuple(_round(v) for v in flat.double().tolist())
    return tuple(flat.tolist())


def _round(value: float) -> float | str:
    if not math.isfinite(value):
        return str(value)
    return float(f"{value:.4g}")


def fingerprint(observations: list[Observation]) -> str:
    """A short hash of a question's behaviour: equal for students whose calls all came back
    alike (up to rounding)."""
    digest = hashlib.sha256()
    stand_in = _Canonical(MAX_CANONICAL_VALUES)
    for observation in observations:
        digest.update(
            repr(
                (observation.check, observation.op, observation.name, stand_in(observation.seen))
            ).encode()
        )
    return digest.hexdigest()[:16]
