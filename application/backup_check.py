"""Checking a backup destination when a command names it, before the command is sent.

A plan (or a backup) pointing at a destination that is unknown, or that cannot be written
(wrong credentials, a missing bucket, a read-only directory), is refused when it is saved,
after a test write through the store, naming ``destination_id`` and the store's reason,
instead of being accepted and found out by the first backup. Handlers stay free of I/O: the
check runs on the way in (``Services.execute``), after the caller was found allowed.
"""

from __future__ import annotations

from application.backup_ports import BackupStoreError, BackupStores, BackupStoreUnavailableError
from application.commands import BackupNow, Command, SetBackupPlan
from application.errors import InvalidValueError, UnavailableError
from application.queries import Queries

CHECK_SECONDS = 15.0
"""How long the destination has to take and drop a test object."""


class DestinationUnreachableError(UnavailableError):
    """Raised when a backup destination does not answer in time to be checked; try again."""

    field = "destination_id"


class PlanDestinationCheck:
    """Asks a destination a command names whether it takes a test write."""

    def __init__(
        self, stores: BackupStores | None, queries: Queries, *, timeout: float = CHECK_SECONDS
    ) -> None:
        self._stores = stores
        self._queries = queries
        self._timeout = timeout

    def applies(self, command: Command) -> bool:
        """Whether ``command`` names a destination (a plan, or a backup to one)."""
        if isinstance(command, SetBackupPlan):
            return True
        return isinstance(command, BackupNow) and command.destination_id is not None

    def check(self, command: Command) -> None:
        """Refuse ``command`` when its destination is unknown to the service's organisation
        or refuses a test write (InvalidValueError naming ``destination_id``)."""
        assert isinstance(command, SetBackupPlan | BackupNow)
        assert command.destination_id is not None
        organization_id = self._queries.service(command.service_id).organization_id
        if self._stores is None:
            raise InvalidValueError(
                "destination_id", "this installation has no backup destinations wired in"
            )
        try:
            store = self._stores.open(organization_id, command.destination_id)
            store.check_writable(timeout=self._timeout)
        except BackupStoreUnavailableError as e:
            raise DestinationUnreachableError(
                f"the backup destination did not answer in time: {e}"
            ) from None
        except BackupStoreError as e:
            raise InvalidValueError("destination_id", str(e)) from None
