"""The command bus: runs a handler in a unit of work, retries conflicts, honours command ids."""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.archives import SourceArchives
from application.authz import Principal, authorize
from application.commands import Command, refuse_nul
from application.errors import ConflictError, InvalidValueError
from application.eventstore import EventStore
from application.ports import Clock, SecretBox
from application.receipts import CommandReceipt
from application.secrets import secret_enc_hook
from application.unit_of_work import UnitOfWork
from domain.deployment import DeadlinePolicy
from domain.ids import Actor
from domain.service_spec import DatabaseSettings

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Command)
Handler = Callable[[Any, UnitOfWork], dict[str, UUID]]
_encode = msgspec.json.Encoder(enc_hook=secret_enc_hook).encode
MAX_COMMAND_ID_LENGTH = 200


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """Who sends a command, and the optional client-chosen id that makes re-sending safe.

    With a ``principal`` (a signed-in user) the command is authorised first; without one
    it comes from Containr itself (process managers, the CLI on the server) and is trusted.
    """

    actor: Actor
    command_id: str | None = None
    principal: Principal | None = None

    @classmethod
    def of(cls, principal: Principal, command_id: str | None = None) -> Context:
        """The context of a command a signed-in user sends."""
        return cls(actor=Actor(principal.actor), command_id=command_id, principal=principal)


class CommandResult(msgspec.Struct, frozen=True, kw_only=True):
    """What a command did: the ids it touched and the log position of its last event.

    ``position`` is the global sequence number to wait for before reading the
    command's effects from read models. ``replayed`` says the command id was seen
    before and nothing new was recorded.
    """

    ids: dict[str, UUID]
    position: int | None
    replayed: bool = False

    def id(self, name: str) -> UUID:
        """One of the ids, by name (e.g. ``project_id``)."""
        return self.ids[name]


class CommandBus:
    """Dispatches commands to their handlers."""

    def __init__(
        self,
        store: EventStore,
        *,
        clock: Clock,
        secrets: SecretBox,
        handlers: dict[type[Command], Handler],
        deadlines: DeadlinePolicy | None = None,
        max_attempts: int = 8,
        on_recorded: Callable[[], None] | None = None,
        archives: SourceArchives | None = None,
        database_images: Callable[[DatabaseSettings], str] | None = None,
    ) -> None:
        self._store = store
        self._database_images = database_images
        self._archives = archives
        self._clock = clock
        self._secrets = secrets
        self._deadlines = deadlines or DeadlinePolicy()
        self._handlers = handlers
        self._max_attempts = max_attempts
        self._on_recorded = on_recorded

    def execute(self, command: Command, ctx: Context) -> CommandResult:
        """Carry out ``command`` for ``ctx.actor``; every event of it goes into one save().

        On an optimistic-concurrency conflict the whole command is retried against the
        fresh state, a bounded number of times, then ConflictError is raised. Aggregates
        may come from memory (see EventStore.load): their versions are checked when the
        events are recorded, and before an error the handler raised reaches the caller, so
        neither a commit nor a refusal ever rests on a state that has moved on.
        """
        handler = self._handlers.get(type(command))
        if handler is None:
            raise InvalidValueError("command", f"unknown command {type(command).__name__}")
        if ctx.principal is not None:  # a caller's (facts the system records stay as they are)
            refuse_nul(command)
        receipt_id = self._receipt_id(ctx)
        fresh = False
        since = time.monotonic()
        for attempt in range(1, self._max_attempts + 1):
            if receipt_id is not None:
                replay = self._replay(receipt_id, command)
                if replay is not None:
                    return replay
            uow = self._unit_of_work(ctx, fresh=fresh, since=since)
            with self._store.running():
                outcome = self._attempt(command, ctx, handler, uow, receipt_id)
            if isinstance(outcome, CommandResult):
                return outcome
            if outcome == "conflict":
                log.info("conflict on %s (attempt %d), retrying", type(command).__name__, attempt)
                # The first retry goes at once (the state it missed is committed by now);
                # later ones back off, with jitter, from commands that keep colliding.
                time.sleep(random.uniform(0, 0.005 * (attempt - 1)))
                # What another command of this process committed is in memory already.
                fresh = not uow.lost_to_this_process()
            else:  # refused on an old state: decide again on the new one
                fresh = True
        raise ConflictError(
            f"{type(command).__name__} kept conflicting with concurrent changes "
            f"({self._max_attempts} attempts); try again"
        )

    def _unit_of_work(self, ctx: Context, *, fresh: bool, since: float) -> UnitOfWork:
        return UnitOfWork(
            self._store,
            actor=ctx.actor,
            now=self._clock.now(),
            secrets=self._secrets,
            deadlines=self._deadlines,
            user_id=ctx.principal.user_id if ctx.principal else None,
            archives=self._archives,
            fresh=fresh,
            since=since,
            database_images=self._database_images,
        )

    def _attempt(
        self,
        command: Command,
        ctx: Context,
        handler: Handler,
        uow: UnitOfWork,
        receipt_id: UUID | None,
    ) -> CommandResult | Literal["conflict", "stale"]:
        """One try: the result, or why to try again."""
        try:
            if ctx.principal is not None:
                authorize(command, uow, ctx.principal)
            ids = handler(command, uow)
        except Exception:
            if uow.read_stale():
                return "stale"
            raise
        extra = []
        if receipt_id is not None:
            extra.append(self._receipt(receipt_id, command, ids, uow))
        try:
            recordings = uow.commit(*extra)
        except IntegrityError:
            return "conflict"
        position = recordings[-1].notification.id if recordings else None
        if recordings and self._on_recorded is not None:
            self._on_recorded()
        return CommandResult(ids=ids, position=position)

    def rehearse(self, command: Command, ctx: Context) -> bool:
        """Run ``command`` for ``ctx`` without recording it: whether it would run now.

        False when its command id was used for it already (a re-send, answered with the
        first result). Otherwise the caller is authorised and the handler runs on the
        current state, raising what it would raise (a bad value, a taken name); its events
        are dropped. A check that asks the outside world before a command rehearses it
        first, so it never works for a caller or a value the command would refuse.
        """
        handler = self._handlers.get(type(command))
        if handler is None:
            raise InvalidValueError("command", f"unknown command {type(command).__name__}")
        if ctx.principal is not None:
            refuse_nul(command)
        receipt_id = self._receipt_id(ctx)
        if receipt_id is not None and self._replay(receipt_id, command) is not None:
            return False
        uow = UnitOfWork(
            self._store,
            actor=ctx.actor,
            now=self._clock.now(),
            secrets=self._secrets,
            deadlines=self._deadlines,
            user_id=ctx.principal.user_id if ctx.principal else None,
            fresh=True,  # nothing is checked at commit: read what the database holds
            database_images=self._database_images,
        )
        if ctx.principal is not None:
            authorize(command, uow, ctx.principal)
        handler(command, uow)  # nothing is committed: the unit of work is dropped
        return True

    def _receipt_id(self, ctx: Context) -> UUID | None:
        if ctx.command_id is None:
            return None
        if not 0 < len(ctx.command_id) <= MAX_COMMAND_ID_LENGTH:
            raise InvalidValueError(
                "command_id", f"must be 1 to {MAX_COMMAND_ID_LENGTH} characters"
            )
        return CommandReceipt.id_for(ctx.actor, ctx.command_id)

    def _replay(self, receipt_id: UUID, command: Command) -> CommandResult | None:
        try:
            receipt: CommandReceipt = self._store.repository.get(receipt_id)
        except AggregateNotFoundError:  # the first time this command id is used
            return None
        assert isinstance(receipt, CommandReceipt)
        if receipt.fingerprint != _fingerprint(command):
            raise InvalidValueError(
                "command_id",
                f"was already used for a different {receipt.command_type} command",
            )
        return CommandResult(
            ids=receipt.result_ids,
            position=self._store.recorder.max_notification_id(),
            replayed=True,
        )

    @staticmethod
    def _receipt(
        receipt_id: UUID, command: Command, ids: dict[str, UUID], uow: UnitOfWork
    ) -> CommandReceipt:
        return CommandReceipt._create(
            CommandReceipt.Created,
            id=receipt_id,
            command_type=type(command).__name__,
            fingerprint=_fingerprint(command),
            result_ids=ids,
            actor=uow.actor,
            timestamp=uow.now,
        )


def _fingerprint(command: Command) -> str:
    """A digest of the command's type and fields (secret values masked, never hashed)."""
    digest = hashlib.sha256(type(command).__name__.encode())
    digest.update(_encode(command))
    return digest.hexdigest()
