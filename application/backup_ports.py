"""Where backups are kept: the port the backup process writes dumps to and reads them from.

A store is opened for one destination of one organisation. What it is given is the plain
dump, as a stream of chunks; what it keeps is that stream encrypted with the organisation's
data key, and it answers with the stored object's size and SHA-256. Reading it back checks
both the checksum and the encryption's authentication, chunk by chunk, so a flipped byte
anywhere fails the read with BackupCorruptError rather than handing back wrong data.
Nothing is ever buffered whole: a dump of many gigabytes passes through in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol
from uuid import UUID

import msgspec


class BackupStoreError(Exception):
    """The store refused or failed an operation; the message is safe to show (no secrets)."""


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
