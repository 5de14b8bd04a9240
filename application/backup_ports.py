"""Where backups are kept: the port the backup process writes dumps to and reads them from.

A store is opened for one destination of one organisation. What it is given is the plain
dump, as a stream of chunks; what it keeps is that stream encrypted with the organisation's
data key, and it answers with the stored object's size and SHA-256. Reading it back checks
both the checksum and the encryption's authentication, chunk by chunk, so a flipped byte
anywhere fails the read with BackupCorruptError rather than handing back wrong data.
Nothing is ever buffered whole: a dump of many gigabytes passes through in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol
from uuid import UUID

import msgspec

from application.runtime_ports import ContainerRuntime
from application.secrets import Secret
from domain.backup_destination import DestinationPlace
from domain.service_spec import DatabaseEngine


class BackupStoreError(Exception):
    """The store refused or failed an operation; the message is safe to show (no secrets)."""

    field: str | None = None
    """The destination setting at fault, when the store can tell (``bucket``, ``path``...)."""


class BackupStoreUnavailableError(BackupStoreError):
    """The store did not answer within the deadline, or answered 5xx: try again later."""


class BackupNotFoundError(BackupStoreError):
    """No object under this key (it was deleted, or never written)."""


class BackupCorruptError(BackupStoreError):
    """The stored bytes are not what was written: the checksum or the decryption failed."""


class StoredBackup(msgspec.Struct, frozen=True, kw_only=True):
    """What a put kept: the key, the stored (encrypted) size and its SHA-256 (hex)."""

    key: str
    size_bytes: int
    sha256: str


class BackupStore(Protocol):
    """One destination (a directory on the node, or an S3 bucket and prefix)."""

    def put(self, key: str, chunks: Iterable[bytes], *, timeout: float) -> StoredBackup:
        """Encrypt and store the stream under ``key`` (a relative path like
        ``<service>/<backup>.dump``); an object only appears once complete, so a crash
        mid-put leaves no object under ``key``. ``timeout`` bounds each call to the store."""
        ...

    def get(self, key: str, *, sha256: str, timeout: float) -> Iterator[bytes]:
        """The plain stream of what was put under ``key``; raises BackupNotFoundError at
        once, and BackupCorruptError (while iterating) when the bytes do not match."""
        ...

    def delete(self, key: str, *, timeout: float) -> bool:
        """Remove the object; False when there was none."""
        ...

    def check_writable(self, *, timeout: float) -> None:
        """A test write (and delete) of a small object: raises BackupStoreError with the
        store's reason (wrong credentials, missing bucket, read-only directory)."""
        ...


class BackupStores(Protocol):
    """Opens the store of a destination, with its credentials decrypted and the
    organisation's key for the files."""

    def open(self, organization_id: UUID, destination_id: UUID) -> BackupStore:
        """Raises BackupStoreError when the destination is unknown or was removed."""
        ...


class BackupStoreMaker(Protocol):
    """Makes the store of a destination's place (a directory, or S3 with its secret), keyed
    with the organisation's file key: for testing settings before they are saved."""

    def store(
        self, organization_id: UUID, place: DestinationPlace, secret: Secret | None
    ) -> BackupStore:
        """The store at ``place``; raises BackupStoreError when it cannot be made."""
        ...


# What runs the engines' own dump and restore tools, on the database's node.


class DumpError(Exception):
    """A dump, restore or check failed: the tool's exit and the tail of its stderr (never a
    password), or the deadline that passed."""


class IncompatibleDumpError(DumpError):
    """The dump cannot go into this target: another engine, or a newer major version."""


class DumpFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a database held, measured by the engine: taken at dump time (inside the dump's
    own snapshot where the engine allows) and again after a restore, to compare."""

    server_version: str
    """The version the server reports, e.g. "15.10" or "10.11.6-MariaDB"."""
    tables: dict[str, int] = msgspec.field(default_factory=dict)
    """Rows per table, ``<schema>.<table>`` (PostgreSQL and MySQL)."""
    keys: int | None = None
    """Keys over all of Redis's databases (Redis only)."""


class DatabaseTarget(msgspec.Struct, frozen=True, kw_only=True):
    """A running database, as a helper container on its Docker network reaches it."""

    engine: DatabaseEngine
    version: str
    image: str
    """The engine's image: the helper containers run its client tools, so they match."""
    network: str
    host: str
    """The database's host name on ``network`` (its container name or alias)."""
    port: int
    user: str
    password: Secret
    database: str | None = None
    """PostgreSQL and MySQL: the database dumped or restored into (None: all of Redis)."""
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    """Put on every container made for this target (the installation's labels)."""


class ScratchDatabase(Protocol):
    """A throw-away database of one engine and version, for proving that a dump restores."""

    @property
    def target(self) -> DatabaseTarget: ...

    def remove(self) -> None:
        """Stop and remove its container and data (idempotent)."""
        ...


class DatabaseDumps(Protocol):
    """The engines' own tools, run in short-lived containers: pg_dump -Fc / pg_restore,
    mysqldump --single-transaction / mysql, and Redis's RDB (BGSAVE or redis-cli --rdb).
    Streams in bounded memory; every call has a deadline and removes what it started."""

    def dump(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        sink: Callable[[Iterable[bytes]], StoredBackup],
        *,
        timeout: float,
    ) -> tuple[StoredBackup, DumpFacts]:
        """Dump ``target`` as a stream handed to ``sink`` (which stores it); the facts are
        measured consistently with the dump. Raises DumpError."""
        ...

    def restore(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        chunks: Iterable[bytes],
        *,
        timeout: float,
    ) -> None:
        """Replace the contents of ``target`` with the dump (dropping what is there).
        Raises DumpError, or the BackupCorruptError that ``chunks`` raises."""
        ...

    def facts(
        self, runtime: ContainerRuntime, target: DatabaseTarget, *, timeout: float
    ) -> DumpFacts:
        """Measure ``target`` now (its server version, rows per table or keys)."""
        ...

    def scratch(
        self,
        runtime: ContainerRuntime,
        engine: DatabaseEngine,
        version: str,
        image: str,
        *,
        labels: dict[str, str],
        timeout: float,
    ) -> ScratchDatabase:
        """Start a throw-away database of this engine and version (no volume; its data goes
        with the container) and return once it answers its health probe."""
        ...

    def sweep(self, runtime: ContainerRuntime, labels: dict[str, str]) -> int:
        """Remove what a dead attempt left on the engine: the helper containers and scratch
        databases carrying every one of ``labels`` (with the scratch databases' networks).
        Returns how many containers went."""
        ...
