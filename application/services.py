"""What bootstrap hands to the interfaces: the application's services, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from application.bus import CommandBus, CommandResult, Context
from application.commands import Command
from application.eventlog import EventLog
from application.eventstore import EventStore
from application.ports import Clock, EventSignal, SecretBox
from application.queries import Queries
from application.settings import Settings


@dataclass(frozen=True)
class Services:
    """Everything an interface (CLI, HTTP, GraphQL, worker) may call."""

    settings: Settings
    store: EventStore
    commands: CommandBus
    queries: Queries
    events: EventLog
    secrets: SecretBox
    clock: Clock
    event_signal: Callable[[], EventSignal]
    closers: tuple[Callable[[], None], ...] = field(default=())

    def execute(self, command: Command, ctx: Context) -> CommandResult:
        """Carry out a command (see CommandBus.execute)."""
        return self.commands.execute(command, ctx)

    def close(self) -> None:
        """Release connections and pools."""
        for close in reversed(self.closers):
            close()
