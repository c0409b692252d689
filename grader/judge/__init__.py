"""The judge: runs hidden and public checks in the grader's own process.

Check files import their helpers from here:

    from grader.judge import points, check_tensor, check_equal, CheckFailed
"""

from ..bank.variants import choice_label
from ..sandbox.inside.codec import JudgeFunction, Opaque, remote_info
from .api import fixture, points
from .assertions import (
    CheckFailed,
    Text,
    check_answer,
    check_choice,
    check_close,
    check_equal,
    check_is_tensor,
    check_tensor,
    check_unchanged,
    check_untouched,
    check_values,
    describe_type,
    describe_type_zh,
    device_of,
)
from .student import (
    CallOutcome,
    NameMissing,
    RaisedError,
    Student,
    StudentRaised,
    check_used_autograd,
)

__all__ = [
    "CallOutcome",
    "CheckFailed",
    "JudgeFunction",
    "NameMissing",
    "Opaque",
    "RaisedError",
    "Student",
    "StudentRaised",
    "Text",
    "check_answer",
    "check_choice",
    "check_close",
    "check_equal",
    "check_is_tensor",
    "check_tensor",
    "check_unchanged",
    "check_used_autograd",
    "check_untouched",
    "check_values",
    "choice_label",
    "describe_type",
    "describe_type_zh",
    "device_of",
    "fixture",
    "points",
    "remote_info",
]
