"""A synthetic class for the similarity report: honest answers written in varied styles, and
planted copies disguised the ways students disguise them.

Four questions of preliminaries-core: `broadcast` and `two-losses` (longer answers, where a
copy shows), `sgd-step` and `grid` (short; `grid` has one canonical answer that many honest
students write). An honest student picks a style per question and, inside it, independent
small choices (which comparison, which helper, which name), as independent authors do.
"""

from __future__ import annotations

import random
import re
from typing import Any

QUESTIONS = ("broadcast", "two-losses", "sgd-step", "grid")
MAX = {"broadcast": 5.0, "two-losses": 5.0, "sgd-step": 5.0, "grid": 3.0}


def _pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def broadcast(rng: random.Random) -> str:
    invalid = _pick(
        rng,
        "x != y and x != 1 and y != 1",
        "x != y and 1 not in (x, y)",
        "min(x, y) != 1 and x != y",
        "not (x == y or x == 1 or y == 1)",
    )
    value = _pick(rng, "max(x, y)", "x if y == 1 else y", "y if x == 1 else x")
    lengths = rng.random() < 0.5  # name the lengths first
    la, lb = ("la", "lb") if lengths else ("len(a)", "len(b)")
    head = "    la, lb = len(a), len(b)\n" if lengths else ""
    if rng.random() < 0.3:
        head += _pick(
            rng,
            "    a, b = tuple(a), tuple(b)\n",
            "    if not a and not b:\n        return ()\n",
            "    assert all(d >= 1 for d in (*a, *b))\n",
        )
    check = (
        f"        if {invalid}:\n            return None\n"
        if rng.random() < 0.6
        else f"        ok = not ({invalid})\n        if not ok:\n            return None\n"
    )
    finish = _pick(rng, "tuple({v})", "tuple(d for d in {v})", "tuple(list({v}))")
    style = rng.randrange(4)
    if style == 0:
        n = _pick(rng, f"max({la}, {lb})", f"{la} if {la} > {lb} else {lb}")
        pad_a = _pick(rng, f"(1,) * (n - {la}) + tuple(a)", f"tuple([1] * (n - {la}) + list(a))")
        pad_b = pad_a.replace(la, lb).replace("(a)", "(b)")
        return (
            "def broadcast_shape(a, b):\n" + head + f"    n = {n}\n"
            f"    pa = {pad_a}\n    pb = {pad_b}\n    dims = []\n"
            "    for x, y in zip(pa, pb):\n" + check + f"        dims.append({value})\n"
            f"    return {finish.format(v='dims')}\n"
        )
    if style == 1:
        top = _pick(rng, f"max({la}, {lb})", "max(map(len, (a, b)))")
        return (
            "def broadcast_shape(a, b):\n" + head + "    result = []\n"
            f"    for i in range(1, {top} + 1):\n"
            f"        x = a[-i] if i <= {la} else 1\n        y = b[-i] if i <= {lb} else 1\n"
            + check
            + f"        result.append({value})\n"
            f"    return {finish.format(v=_pick(rng, 'reversed(result)', 'result[::-1]'))}\n"
        )
    if style == 2:
        return (
            "from itertools import zip_longest\n\n"
            "def broadcast_shape(a, b):\n" + head + "    shape = []\n"
            "    for x, y in zip_longest(reversed(a), reversed(b), fillvalue=1):\n"
            + check
            + _pick(
                rng, f"        shape.insert(0, {value})\n", f"        shape = [{value}] + shape\n"
            )
            + f"    return {finish.format(v='shape')}\n"
        )
    return (
        "def broadcast_shape(a, b):\n"
        + head
        + "    a, b = list(a), list(b)\n"
        + _pick(
            rng,
            "    while len(a) < len(b):\n        a.insert(0, 1)\n    while len(b) < len(a):\n        b.insert(0, 1)\n",
            "    a = [1] * (len(b) - len(a)) + a\n    b = [1] * (len(a) - len(b)) + b\n",
        )
        + "    out = []\n"
        + f"    for {_pick(rng, 'i in range(len(a))', 'i, _ in enumerate(a)')}:\n"
        "        x, y = a[i], b[i]\n" + check + f"        out.append({value})\n"
        f"    return {finish.format(v='out')}\n"
    )


def two_losses(rng: random.Random) -> str:
    square = _pick(
        rng, "2 * torch.dot({v}, {v})", "2 * ({v} * {v}).sum()", "(2 * {v} ** 2).sum()",
        "2 * {v}.pow(2).sum()", "2 * ({v} @ {v})",
    )  # fmt: skip
    leaf = _pick(
        rng,
        "{x}.detach().clone().requires_grad_(True)",
        "{x}.clone().detach().requires_grad_()",
        "torch.tensor({x}.tolist(), requires_grad=True)",
        "{x}.detach().requires_grad_(True)",
    )
    style = rng.randrange(4)
    if style == 0:
        named = rng.random() < 0.5
        first = (
            f"    loss1 = {square.format(v='x1')}\n    loss1.backward()\n"
            if named
            else f"    ({square.format(v='x1')}).backward()\n"
        )
        return (
            "import torch\n\ndef grads_of_two_losses(x):\n"
            f"    x1 = {leaf.format(x='x')}\n"
            + first
            + f"    x2 = {leaf.format(x='x')}\n"
            + _pick(
                rng, "    x2.sum().backward()\n", "    loss2 = x2.sum()\n    loss2.backward()\n"
            )
            + _pick(
                rng,
                "    return x1.grad, x2.grad\n",
                "    return (x1.grad, x2.grad)\n",
                "    g = (x1.grad, x2.grad)\n    return g\n",
            )
        )
    if style == 1:
        return (
            "import torch\n\ndef grads_of_two_losses(x):\n"
            f"    x = {leaf.format(x='x')}\n"
            + _pick(
                rng,
                f"    (g1,) = torch.autograd.grad({square.format(v='x')}, x)\n    (g2,) = torch.autograd.grad(x.sum(), x)\n",
                f"    g1 = torch.autograd.grad({square.format(v='x')}, x)[0]\n    g2 = torch.autograd.grad(x.sum(), x)[0]\n",
            )
            + _pick(rng, "    return g1, g2\n", "    return g1.detach(), g2.detach()\n")
        )
    if style == 2:
        reset = _pick(rng, "w.grad = None", "w.grad.zero_()", "w.grad.data.zero_()")
        return (
            "import torch\n\ndef grads_of_two_losses(x):\n"
            + _pick(
                rng,
                "    w = x.clone().detach()\n    w.requires_grad = True\n",
                f"    w = {leaf.format(x='x')}\n",
            )
            + f"    loss = {square.format(v='w')}\n    loss.backward()\n"
            + _pick(
                rng,
                "    first = w.grad.clone()\n",
                "    first = w.grad.detach().clone()\n",
                "    first = torch.clone(w.grad)\n",
            )
            + f"    {reset}\n    w.sum().backward()\n    return first, w.grad.clone()\n"
        )
    return (
        "import torch\n\ndef gradient_of(loss_fn, x):\n"
        f"    x = {leaf.format(x='x')}\n    loss_fn(x).backward()\n    return x.grad\n\n"
        "def grads_of_two_losses(x):\n"
        + _pick(
            rng,
            f"    return gradient_of(lambda t: {square.format(v='t')}, x), gradient_of(lambda t: t.sum(), x)\n",
            f"    first = gradient_of(lambda t: {square.format(v='t')}, x)\n    second = gradient_of(torch.sum, x)\n    return first, second\n",
        )
    )


def sgd_step(rng: random.Random) -> str:
    loop = _pick(
        rng,
        ("for p, g in zip(params, grads):", "p", "g"),
        ("for i in range(len(params)):", "params[i]", "grads[i]"),
        ("for i, p in enumerate(params):", "p", "grads[i]"),
    )
    update = _pick(
        rng,
        "{p} -= lr * {g}",
        "{p}.sub_(lr * {g})",
        "{p}.add_({g}, alpha=-lr)",
        "{p}.copy_({p} - lr * {g})",
        "{p}.add_(-lr * {g})",
    )
    header, p, g = loop
    if rng.random() < 0.5:
        body = (
            f"    with torch.no_grad():\n        {header}\n            {update.format(p=p, g=g)}\n"
        )
    else:
        body = f"    {header}\n        {update.format(p=p + '.data', g=g)}\n"
    return "import torch\n\ndef sgd_step(params, grads, lr):\n" + body


def grid(rng: random.Random) -> str:
    # Nearly everyone writes the one obvious line.
    return _pick(
        rng,
        "import torch\n\ndef make_grid(rows, cols):\n    return torch.arange(rows * cols).reshape(rows, cols)\n",
        "import torch\n\ndef make_grid(rows, cols):\n    return torch.arange(rows * cols).reshape((rows, cols))\n",
    )


WRITERS = {"broadcast": broadcast, "two-losses": two_losses, "sgd-step": sgd_step, "grid": grid}

# A wrong answer nobody in the bank wrote: compares the shapes from the front, without padding.
SHARED_WRONG = (
    "def broadcast_shape(a, b):\n"
    "    out = []\n"
    "    for x, y in zip(a, b):\n"
    "        if x != y and x != 1 and y != 1:\n"
    "            return None\n"
    "        out.append(max(x, y))\n"
    "    return tuple(out) + tuple(a[len(out):]) + tuple(b[len(out):])\n"
)


def renamed(code: str, rng: random.Random) -> str:
    """Every local name replaced (what a copier does first)."""
    names = {
        "out",
        "dims",
        "result",
        "shape",
        "pa",
        "pb",
        "x1",
        "x2",
        "w",
        "first",
        "loss",
        "g1",
        "g2",
        "p",
        "g",
        "i",
        "k",
        "n",
        "x",
        "y",
        "t",
    }
    mapping = {name: f"{name}_{rng.randrange(100, 999)}" for name in names}
    return re.sub(
        r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b",
        lambda m: mapping[m.group(1)],
        code,
    )


def commented(code: str) -> str:
    lines = []
    for line in code.splitlines():
        lines.append(line)
        if line.strip().startswith(("for ", "if ", "return")):
            lines.append(" " * (len(line) - len(line.lstrip())) + "# my own step")
    return "\n\n".join(lines) + "\n"


def as_comprehension(code: str) -> str:
    """A loop that appends rewritten as a comprehension where it can be (a structural edit)."""
    return code.replace("for x, y in zip(pa, pb):", "for x, y in list(zip(pa, pb)):").replace(
        "    dims = []\n", "    dims = list()\n"
    )


def honest(rng: random.Random) -> dict[str, str]:
    return {q: WRITERS[q](rng) for q in QUESTIONS}


def result_of(codes: dict[str, str], wrong: set[str] = frozenset()) -> dict[str, Any]:
    return {
        "assignment": "preliminaries-core",
        "score": 0.0,
        "max_score": sum(MAX.values()),
        "questions": [
            {
                "id": q,
                "score": 0.0 if q in wrong else MAX[q],
                "max_score": MAX[q],
                "checks": [],
                "code": code,
            }
            for q, code in codes.items()
        ],
    }


def synthetic_class(
    seed: int = 7, honest_students: int = 30
) -> tuple[list[tuple[str, dict]], set[frozenset[str]]]:
    """(student, result) for 30 honest students and 5 planted pairs, and the planted pairs."""
    rng = random.Random(seed)
    entries = [(f"honest{i:02d}", result_of(honest(rng))) for i in range(honest_students)]
    planted: set[frozenset[str]] = set()

    def pair(
        name: str, source: dict[str, str], copy: dict[str, str], wrong: set[str] = frozenset()
    ) -> None:
        a, b = f"{name}-a", f"{name}-b"
        entries.extend([(a, result_of(source, wrong)), (b, result_of(copy, wrong))])
        planted.add(frozenset((a, b)))

    base = honest(rng)
    pair("renamed", base, {q: renamed(c, rng) for q, c in base.items()})
    base = honest(rng)
    base["two-losses"] = two_losses(random.Random(3))  # any style; the copy reorders it
    reordered = dict(base)
    reordered["two-losses"] = "\n\n".join(reversed(base["two-losses"].split("\n\n")))
    pair("reordered", base, reordered)
    base = honest(rng)
    pair("commented", base, {q: commented(c) for q, c in base.items()})
    base = honest(rng)
    pair("comprehension", base, {q: renamed(as_comprehension(c), rng) for q, c in base.items()})
    left, right = honest(rng), honest(rng)
    left["broadcast"] = right["broadcast"] = SHARED_WRONG
    pair("shared-mistake", left, right, wrong={"broadcast"})
    return entries, planted
