"""Run code in this very process. For trusted code only: the bank's references and mutants.

It exists so that hidden checks can be written and tested without any sandbox, through exactly
the same agent and wire format as the real engines: arguments are encoded and decoded, so the
function under test gets its own copies, and results come back as plain data.
"""

from __future__ import annotations

from typing import Any

from .base import CellOutcome, Engine, Isolation, Limits, Session, cell_outcome_from_reply
from .inside import codec, protocol
from .inside.agent import Agent


class InProcessSession(Session):
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.agent = Agent(shell=None, max_bytes=limits.max_message_bytes)

    def run_cell(self, source: str, timeout: float) -> CellOutcome:
        reply = self.agent.handle(
            codec.encode_message({protocol.OP: protocol.RUN_CELL, "source": source}, {})
        )
        return cell_outcome_from_reply(codec.decode_message(reply or b""))

    def request(
        self, header: dict[str, Any], values: dict[str, Any], timeout: float
    ) -> codec.Message:
        data = codec.encode_message(header, values, self.limits.max_message_bytes)
        reply = self.agent.handle(data)
        return codec.decode_message(reply or b"", self.limits.max_message_bytes)

    def close(self) -> None:
        self.agent.namespace.clear()


class InProcessEngine(Engine):
    name = "inprocess"

    def start_session(self, limits: Limits) -> Session:
        return InProcessSession(limits)

    def isolation(self) -> Isolation:
        return Isolation(mechanism="in-process", missing=["everything: trusted code only"])
