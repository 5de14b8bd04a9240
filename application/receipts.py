"""Command receipts: how a command re-sent with the same command id records nothing new."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.ids import derived_id


class CommandReceipt(ContainrAggregate):
    """Proof that a command with a client-chosen id was carried out, and what it returned."""

    class Created(ContainrAggregate.Created):
        command_type: str
        fingerprint: str
        result_ids: dict[str, UUID]

    def __init__(self, command_type: str, fingerprint: str, result_ids: dict[str, Any]) -> None:
        self.command_type = command_type
        self.fingerprint = fingerprint
        self.result_ids: dict[str, UUID] = dict(result_ids)

    @staticmethod
    def id_for(actor: str, command_id: str) -> UUID:
        """Receipts are per actor, so one caller's ids never collide with another's."""
        return derived_id("command", actor, command_id)
