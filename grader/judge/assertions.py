"""Check helpers whose failure messages say *what* differs without giving the answer away.

In the spirit of PrairieLearn's `Feedback.check_numpy_array_allclose`: a message may name the
shape, dtype or device that was expected (those are in the prompt anyway) but never the hidden
expected values. For the answers of `value`, `choice` and `predict` questions, where a length, a
type or None-ness is part of the answer, `check_answer` and `check_choice` say even less: at most
which item is wrong. Every helper raises `CheckFailed`, an AssertionError, so a plain `assert` and a
helper read the same in a check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from ..sandbox.inside.codec import Opaque, remote_info


class Text(str):
    """English text that carries its Chinese translation; it works wherever a str does.

        what = Text(f"normalize_rows(A) for a {m}x{n} A", zh=f"{m}x{n} 的 A 上的 normalize_rows(A)")
        check_tensor(call.unwrap(), expected, what)   # the message exists in both languages

    Without `zh` the English text stands in for both (code such as `make_grid(2, 3)` reads the
    same in either language). Formatting it (an f-string) gives a plain str: English only."""

    zh: str

    def __new__(cls, en: str, zh: str | None = None) -> Text:
        text = super().__new__(cls, en)
        text.zh = str(en) if zh is None else zh
        return text


def zh_of(text: Any) -> str:
    """The Chinese version of a message part (the text itself when it has none)."""
    return getattr(text, "zh", str(text))


def zh_subject(text: Any) -> str:
    """`zh_of(text)` as the start of a Chinese sentence: followed by a space when it ends in
    code (`normalize_rows(A) 的形状`), by nothing when it ends in Chinese (`返回的表的形状`)."""
    zh = zh_of(text)
    return zh + " " if zh and zh[-1].isascii() else zh


class CheckFailed(AssertionError):
    """A check failed; the message is safe to show to the student. `zh` is its Chinese text
    (the English one stands in where a check gives none)."""

    def __init__(self, message: Any = "", *, zh: str | None = None) -> None:
        super().__init__(str(message))
        self.zh = zh if zh is not None else zh_of(message)

    @property
    def text(self) -> Text:
        return Text(str(self.args[0]) if self.args else "", zh=self.zh)


def _fail(en: str, zh: str) -> CheckFailed:
    return CheckFailed(en, zh=zh)


def describe_type_zh(value: Any) -> str:
    """describe_type in Chinese."""
    if isinstance(value, Opaque):
        return f"一个 {value.type_name}" + (f"（{value.note}）" if value.note else "")
    if value is None:
        return "空值 None"
    if type(value) is torch.Tensor:
        return f"形状为 {tuple(value.shape)} 的张量"
    return f"一个 {type(value).__name__}"


def describe_type(value: Any) -> str:
    if isinstance(value, Opaque):
        return f"a {value.type_name}" + (f" ({value.note})" if value.note else "")
    if value is None:
        return "None"
    if type(value) is torch.Tensor:
        return f"a tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def device_of(tensor: torch.Tensor) -> str:
    """The device the tensor had in the student's process."""
    info = remote_info(tensor)
    return info.device if info is not None else str(tensor.device)


def _same_device(a: str, b: str) -> bool:
    kind_a, _, index_a = a.partition(":")
    kind_b, _, index_b = b.partition(":")
    return kind_a == kind_b and (not index_a or not index_b or index_a == index_b)


def check_is_tensor(actual: Any, what: str = "the result") -> torch.Tensor:
    if type(actual) is not torch.Tensor:
        raise _fail(
            f"{what} should be a torch.Tensor, but it is {describe_type(actual)}.",
            f"{zh_subject(what)}应当是 torch.Tensor，但它是{describe_type_zh(actual)}。",
        )
    return actual


def check_tensor(
    actual: Any,
    expected: torch.Tensor,
    what: str = "the result",
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    check_dtype: bool = True,
    check_device: bool = True,
    equal_nan: bool = False,
) -> None:
    """Shape, then dtype, then device, then values (with tolerances for floating point)."""
    tensor = check_is_tensor(actual, what)
    if tuple(tensor.shape) != tuple(expected.shape):
        raise _fail(
            f"{what} has shape {tuple(tensor.shape)}, but shape {tuple(expected.shape)} was expected.",
            f"{zh_subject(what)}的形状是 {tuple(tensor.shape)}，应为 {tuple(expected.shape)}。",
        )
    if check_dtype and tensor.dtype != expected.dtype:
        raise _fail(
            f"{what} has dtype {tensor.dtype}, but {expected.dtype} was expected.",
            f"{zh_subject(what)}的 dtype 是 {tensor.dtype}，应为 {expected.dtype}。",
        )
    if check_device and not _same_device(device_of(tensor), str(expected.device)):
        if expected.device.type == "meta":
            raise _fail(
                f"{what} is on device {device_of(tensor)}, but it should be on the input's device. "
                "(The check passed a tensor on `meta`, a device that holds no data and stands in "
                "for a GPU on a machine without one: a result that stays on the CPU here would "
                "stay on the CPU when the input is on a GPU too.)",
                f"{zh_subject(what)}在设备 {device_of(tensor)} 上，但应当在输入所在的设备上。"
                "（检查传入的是 `meta` 设备上的张量：meta 是不存数据的设备，在没有 GPU 的机器上"
                "代替 GPU。结果在这里留在了 CPU 上，输入在 GPU 上时也会留在 CPU 上。）",
            )
        raise _fail(
            f"{what} is on device {device_of(tensor)}, but it should be on {expected.device}.",
            f"{zh_subject(what)}在设备 {device_of(tensor)} 上，应当在 {expected.device} 上。",
        )
    if expected.device.type == "meta":  # meta tensors have no values to compare
        return
    check_values(tensor, expected, what, rtol=rtol, atol=atol, equal_nan=equal_nan)


def check_values(
    actual: torch.Tensor,
    expected: torch.Tensor,
    what: str = "the result",
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    equal_nan: bool = False,
) -> None:
    a = actual.detach().cpu()
    e = expected.detach().cpu()
    if a.shape != e.shape:
        raise _fail(
            f"{what} has shape {tuple(a.shape)}, but shape {tuple(e.shape)} was expected.",
            f"{zh_subject(what)}的形状是 {tuple(a.shape)}，应为 {tuple(e.shape)}。",
        )
    if a.dtype.is_floating_point or e.dtype.is_floating_point or a.dtype.is_complex:
        common = torch.promote_types(a.dtype, e.dtype)
        a, e = a.to(common), e.to(common)
        if torch.equal(a, e):  # the usual case: one comparison instead of isclose's several
            return
        ok = torch.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        ok = a == e.to(a.dtype) if a.dtype != torch.bool else a == e.bool()
    if bool(ok.all()):
        return
    wrong = int((~ok).sum())
    if a.dim() == 0:
        raise _fail(
            f"{what} has the right shape and dtype, but its value is not correct.",
            f"{zh_subject(what)}的形状和 dtype 都对，但数值不正确。",
        )
    first = tuple(int(i) for i in (~ok).nonzero()[0])
    raise _fail(
        f"{what} has the right shape and dtype, but {wrong} of {ok.numel()} values are wrong "
        f"(the first at index {first}).",
        f"{zh_subject(what)}的形状和 dtype 都对，但 {ok.numel()} 个值中有 {wrong} 个不对"
        f"（第一个在索引 {first} 处）。",
    )


def check_equal(actual: Any, expected: Any, what: str = "the result") -> None:
    """Plain Python values (tuples, numbers, strings, None): type first, then value.

    For what a *function* returns: its messages name the expected type and number of items. A
    `value` or `predict` answer, where those are part of the answer, uses `check_answer`."""
    if type(actual) is not type(expected) and not (
        isinstance(actual, (int, float))
        and isinstance(expected, (int, float))
        and type(actual) is not bool
        and type(expected) is not bool
    ):
        if expected is None or isinstance(expected, bool):
            raise _not_correct(what)  # naming the type would give the answer away
        raise _fail(
            f"{what} should be a {type(expected).__name__}, but it is {describe_type(actual)}.",
            f"{zh_subject(what)}应当是 {type(expected).__name__}，但它是{describe_type_zh(actual)}。",
        )
    if isinstance(expected, (tuple, list)) and len(actual) != len(expected):
        raise _fail(
            f"{what} has {len(actual)} items, but {len(expected)} were expected.",
            f"{zh_subject(what)}有 {len(actual)} 项，应为 {len(expected)} 项。",
        )
    if actual != expected:
        raise _not_correct(what)


def _not_correct(what: Any) -> CheckFailed:
    return _fail(f"{what} is not correct.", f"{zh_subject(what)}不正确。")


def _not_right(what: Any) -> CheckFailed:
    return _fail(f"{what} is not right.", f"{zh_subject(what)}不对。")


def check_answer(
    actual: Any,
    expected: Any,
    what: str = "the answer",
    *,
    labels: Sequence[str] | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> None:
    """A `value` or `predict` answer: says at most *which item* is wrong, nothing about the
    expected answer.

    `expected` is a value (a number, string, bool, None, torch.dtype, shape) or a tuple/list of
    them, nested as deep as needed. A tuple or list answer may be given as either (a shape also as
    a torch.Size, numbers also as a tensor); numbers compare with tolerances, strings ignore
    surrounding spaces. The messages never state the expected length, count, type or None-ness
    of an item, nor its value: "item 3 of ANSWER is not right", or "ANSWER is not right" when the
    number of items differs. `labels` names the items ("ABCD": "item C of ANSWER ...").
    """
    if isinstance(expected, (tuple, list)):
        items = _as_items(actual)
        if items is None:
            raise _fail(
                f"{what} should be a tuple or a list, but it is {describe_type(actual)}.",
                f"{zh_subject(what)}应当是元组或列表，但它是{describe_type_zh(actual)}。",
            )
        if len(items) != len(expected):
            raise _not_right(what)
        wrong = [
            labels[i] if labels is not None and i < len(labels) else str(i + 1)
            for i, (a, e) in enumerate(zip(items, expected, strict=True))
            if not _same_answer(a, e, rtol, atol)
        ]
        if len(wrong) == 1:
            raise _fail(
                f"item {wrong[0]} of {what} is not right.",
                f"{zh_subject(what)}的第 {wrong[0]} 项不对。",
            )
        if wrong:
            listed = ", ".join(wrong[:-1]) + f" and {wrong[-1]}"
            raise _fail(
                f"items {listed} of {what} are not right.",
                f"{zh_subject(what)}的第 {'、'.join(wrong)} 项不对。",
            )
        return
    if not _same_answer(actual, expected, rtol, atol):
        raise _not_right(what)


def _as_items(value: Any) -> list[Any] | None:
    """The items of a tuple, list, torch.Size or tensor answer (None for anything else)."""
    if type(value) is torch.Tensor:
        return value.tolist() if value.dim() > 0 else None
    if isinstance(value, (tuple, list)):
        return list(value)
    return None


def _same_answer(actual: Any, expected: Any, rtol: float, atol: float) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return type(actual) is bool and actual == expected
    if isinstance(expected, (int, float)):
        if type(actual) is torch.Tensor and actual.numel() == 1:
            actual = actual.item()
        if type(actual) not in (int, float):
            return False
        return abs(actual - expected) <= atol + rtol * abs(expected)
    if isinstance(expected, str):
        return type(actual) is str and actual.strip() == expected.strip()
    if isinstance(expected, (tuple, list)):
        items = _as_items(actual)
        return (
            items is not None
            and len(items) == len(expected)
            and all(_same_answer(a, e, rtol, atol) for a, e in zip(items, expected, strict=True))
        )
    if type(expected) is torch.Tensor:
        return (
            type(actual) is torch.Tensor
            and actual.shape == expected.shape
            and bool(
                torch.isclose(
                    actual.detach().cpu().double(), expected.cpu().double(), rtol=rtol, atol=atol
                ).all()
            )
        )
    return type(actual) is type(expected) and actual == expected


def check_close(
    actual: Any,
    expected: float,
    what: str = "the result",
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """A number, given as a Python number or a 0-d/1-element tensor."""
    if type(actual) is torch.Tensor:
        if actual.numel() != 1:
            raise _fail(
                f"{what} should be a single number, but it is {describe_type(actual)}.",
                f"{zh_subject(what)}应当是单个数，但它是{describe_type_zh(actual)}。",
            )
        actual = actual.detach().cpu().double().item()
    if type(actual) not in (int, float):
        raise _fail(
            f"{what} should be a number, but it is {describe_type(actual)}.",
            f"{zh_subject(what)}应当是一个数，但它是{describe_type_zh(actual)}。",
        )
    if abs(actual - expected) > atol + rtol * abs(expected):
        raise _not_correct(what)


def _same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.equal(a.detach().cpu(), b.detach().cpu())


def check_unchanged(after: Any, before: torch.Tensor, what: str) -> None:
    """An input the function must not modify."""
    if not _same_values(check_is_tensor(after, what), before):
        raise _fail(
            f"{what} was modified by the function; it must be left unchanged.",
            f"函数修改了 {zh_of(what)}；它必须保持不变。",
        )


def check_untouched(
    after: Any, before: torch.Tensor, what: str = Text("the caller's x", zh="调用者传入的 x")
) -> None:
    """An autograd input the function must leave as it was: same values, still not requiring
    grad, no `.grad` (the function should have worked on a detached copy)."""
    tensor = check_is_tensor(after, what)
    if not _same_values(tensor, before):
        changed = f"value of {what} was" if before.dim() == 0 else f"values of {what} were"
        raise _fail(f"the {changed} changed.", f"{zh_subject(what)}的值被改变了。")
    info = remote_info(tensor)
    if info is not None and (info.requires_grad or info.grad is not None):
        raise _fail(
            f"{what} now requires grad or holds a .grad; work on a detached copy.",
            f"{zh_subject(what)}现在 requires_grad 为 True 或带有 .grad；请在 detach 出的副本上计算。",
        )


def check_choice(
    value: Any,
    name: str,
    options: Any,
    correct: Any,
    *,
    wrong: str | None = None,
    sequences: bool = False,
) -> None:
    """A multiple-choice answer: a set of option letters (any case, spaces ignored).

    `options` are the letters offered, `correct` the right ones. With `sequences`, a list or
    tuple of letters is accepted too. `wrong` replaces the final "is not correct" message (a
    hint that gives no letter away; a `Text` gives it in both languages).
    """
    kinds = (set, frozenset, list, tuple) if sequences else (set, frozenset)
    if type(value) not in kinds or not all(type(v) is str for v in value):
        raise _fail(
            f'{name} should be a set of letters such as {{"A", "C"}}, but it is {describe_type(value)}.',
            f'{name} 应当是由字母组成的集合，例如 {{"A", "C"}}，但它是{describe_type_zh(value)}。',
        )
    letters = {v.strip().upper() for v in value}
    if not letters <= set(options):
        raise _fail(
            f"{name} should only hold letters among {', '.join(sorted(options))}.",
            f"{name} 只能包含 {'、'.join(sorted(options))} 中的字母。",
        )
    if letters != set(correct):
        raise CheckFailed(wrong) if wrong else _not_correct(name)
