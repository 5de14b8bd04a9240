"""Backup destinations: testing their settings with a write before they are saved, and
opening the store of a saved one (the BackupStores the backup process writes through).

A destination that cannot be written to is refused when it is given (wrong credentials, a
missing bucket, an unreachable endpoint, a read-only directory), naming the setting and the
store's reason, and nothing is recorded. Handlers stay free of I/O: the test runs on the
way in (``Services.execute``), after the caller was found allowed to send the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from msgspec import UNSET, UnsetType

from application import commands as c
from application.backup_ports import (
    BackupStore,
    BackupStoreError,
    BackupStoreMaker,
    BackupStoreUnavailableError,
)
from application.errors import InvalidValueError, NotFoundError, UnavailableError
from application.eventstore import EventStore
from application.ports import SecretBox
from application.secrets import Secret
from domain.backup_destination import BackupDestination, DestinationKind, DestinationPlace
from domain.values import validate_name

T = TypeVar("T")
CHECK_SECONDS = 20.0
"""How long a destination has to take a test write and delete."""


class DestinationUnreachableError(UnavailableError):
    """Raised when a backup destination did not answer its test write in time; try again."""


@dataclass(frozen=True)
class Planned:
    """What a create or update command would record: the name, place and a new secret."""

    name: str
    place: DestinationPlace
    secret: Secret | None
    """The secret access key the command gives (None: it keeps the recorded one)."""


def planned_create(cmd: c.CreateBackupDestination) -> Planned:
    """The checked settings of a new destination (InvalidValueError naming the field)."""
    place = DestinationPlace(
        kind=cmd.kind,
        path=cmd.path,
        endpoint_url=cmd.endpoint_url,
        region=cmd.region,
        bucket=cmd.bucket,
        prefix=cmd.prefix,
        access_key_id=cmd.access_key_id,
    ).checked()
    secret = cmd.secret_access_key
    if place.kind is DestinationKind.S3:
        if secret is None or not secret.reveal():
            raise InvalidValueError("secret_access_key", "an S3 destination needs its secret")
    elif secret is not None:
        raise InvalidValueError("secret_access_key", "a directory destination takes no secret")
    return Planned(name=validate_name("name", cmd.name), place=place, secret=secret)


def planned_update(cmd: c.UpdateBackupDestination, current: BackupDestination) -> Planned:
    """The checked settings a destination would have after ``cmd``."""
    was = current.place
    s3 = was.kind is DestinationKind.S3
    if not s3 and any(
        v is not UNSET
        for v in (cmd.endpoint_url, cmd.region, cmd.bucket, cmd.prefix, cmd.access_key_id)
    ):
        raise InvalidValueError("s3", "a directory destination takes no S3 settings")
    if s3 and cmd.path is not UNSET:
        raise InvalidValueError("path", "an S3 destination takes no directory path")
    secret = None if cmd.secret_access_key is UNSET else cmd.secret_access_key
    if secret is not None and (not s3 or not secret.reveal()):
        raise InvalidValueError("secret_access_key", "must be the S3 secret access key")
    place = DestinationPlace(
        kind=was.kind,
        path=_keep(cmd.path, was.path),
        endpoint_url=_keep(cmd.endpoint_url, was.endpoint_url),
        region=_keep(cmd.region, was.region),
        bucket=_keep(cmd.bucket, was.bucket),
        prefix=_keep(cmd.prefix, was.prefix),
        access_key_id=_keep(cmd.access_key_id, was.access_key_id),
    ).checked()
    name = validate_name("name", _keep(cmd.name, current.name))
    return Planned(name=name, place=place, secret=secret)


def _keep(given: T | UnsetType, was: T) -> T:
    return was if isinstance(given, UnsetType) else given


def live_destination(store: EventStore, destination_id: UUID) -> BackupDestination:
    """A recorded destination that is not removed (NotFoundError otherwise)."""
    try:
        found: object = store.repository.get(destination_id)
    except AggregateNotFoundError:
        found = None
    if not isinstance(found, BackupDestination) or found.removed:
        raise NotFoundError("backup destination", destination_id, field="destination_id")
    return found


def recorded_secret(secrets: SecretBox, destination: BackupDestination) -> Secret | None:
    """The destination's secret access key, opened (None: a directory)."""
    if destination.secret_access_key is None:
        return None
    return secrets.open(
        destination.organization_id,
        BackupDestination.secret_context(destination.id),
        destination.secret_access_key,
    )


class BackupDestinationCheck:
    """Tests a destination's settings with a write and a delete before they are saved."""

    def __init__(
        self,
        maker: BackupStoreMaker,
        store: EventStore,
        secrets: SecretBox,
        *,
        timeout: float = CHECK_SECONDS,
    ) -> None:
        self._maker = maker
        self._store = store
        self._secrets = secrets
        self._timeout = timeout

    def applies(self, command: c.Command) -> bool:
        """Whether ``command`` sets a destination's settings."""
        return isinstance(command, c.CreateBackupDestination | c.UpdateBackupDestination)

    def check(self, command: c.Command) -> None:
        """Refuse ``command`` unless its destination takes a test write (InvalidValueError
        naming the setting at fault, DestinationUnreachableError when it did not answer)."""
        if isinstance(command, c.CreateBackupDestination):
            planned = planned_create(command)
            organization_id = command.organization_id
        elif isinstance(command, c.UpdateBackupDestination):
            current = live_destination(self._store, command.destination_id)
            planned = planned_update(command, current)
            organization_id = current.organization_id
            if planned.secret is None:
                planned = Planned(
                    name=planned.name,
                    place=planned.place,
                    secret=recorded_secret(self._secrets, current),
                )
        else:
            return
        self.test(organization_id, planned.place, planned.secret)

    def test(self, organization_id: UUID, place: DestinationPlace, secret: Secret | None) -> None:
        """Write and delete a small object at ``place`` (the errors of ``check``)."""
        try:
            self._maker.store(organization_id, place, secret).check_writable(timeout=self._timeout)
        except BackupStoreUnavailableError as e:
            raise DestinationUnreachableError(
                f"the backup destination did not take a test write: {e}"
            ) from None
        except BackupStoreError as e:
            field = e.field or ("path" if place.kind is DestinationKind.DIRECTORY else "bucket")
            raise InvalidValueError(
                field, f"the backup destination refused a test write: {e}"
            ) from None


class DestinationStores:
    """The BackupStores: opens a saved destination's store with its secret and file key."""

    def __init__(self, maker: BackupStoreMaker, store: EventStore, secrets: SecretBox) -> None:
        self._maker = maker
        self._store = store
        self._secrets = secrets

    def open(self, organization_id: UUID, destination_id: UUID) -> BackupStore:
        """The destination's store; BackupStoreError when it is unknown, removed or another
        organisation's."""
        try:
            destination = live_destination(self._store, destination_id)
        except NotFoundError:
            destination = None
        if destination is None or destination.organization_id != organization_id:
            raise BackupStoreError(
                f"backup destination {destination_id} does not exist or was removed"
            )
        return self._maker.store(
            organization_id, destination.place, recorded_secret(self._secrets, destination)
        )
