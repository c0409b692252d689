"""Check helpers: they fail with messages that say what differs, never the expected answer."""

from __future__ import annotations

import pytest
import torch

from grader.judge import CheckFailed, check_choice, check_untouched
from grader.sandbox.inside import codec


def test_check_choice_accepts_the_right_letters_in_any_case():
    check_choice({"a", " C"}, "ANSWER", "ABCD", {"A", "C"})


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (["A", "C"], {}, "should be a set of letters"),
        ({"A", 3}, {}, "should be a set of letters"),
        ({"A", "Z"}, {}, "should only hold letters among A, B, C, D"),
        ({"A"}, {}, "ANSWER is not correct."),
        ({"A"}, {"wrong": "ANSWER misses one: test each option."}, "misses one"),
    ],
)
def test_check_choice_messages(value, kwargs, message):
    messages = set()
    for correct in ({"A", "C"}, {"B", "D"}):
        with pytest.raises(CheckFailed, match=message) as failure:
            check_choice(value, "ANSWER", "ABCD", correct, **kwargs)
        messages.add(str(failure.value))
    assert len(messages) == 1  # the message does not depend on the right answer


def test_check_choice_sequences_only_when_allowed():
    check_choice(["A", "C"], "ANSWER", "ABCD", {"A", "C"}, sequences=True)


def test_check_untouched():
    x = torch.arange(3.0)
    check_untouched(codec.decode_message(codec.encode_message({}, {"v": x})).values["v"], x)
    with pytest.raises(CheckFailed, match="values of the caller's x were changed"):
        check_untouched(x + 1, x)
    with pytest.raises(CheckFailed, match="value of the caller's x was changed"):
        check_untouched(torch.tensor(2.0), torch.tensor(1.0))
    leaf = x.clone().requires_grad_(True)
    (leaf * 2).sum().backward()
    sent = codec.decode_message(codec.encode_message({}, {"v": leaf})).values["v"]
    with pytest.raises(CheckFailed, match="now requires grad or holds a .grad"):
        check_untouched(sent, x)
