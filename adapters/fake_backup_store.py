"""In-memory backup destinations: the BackupStores port without disks or S3, for tests.

Objects are kept as written (a fake has no key to encrypt with), under their destination,
with the SHA-256 of the stored bytes; ``corrupt`` flips a byte so a read fails as the real
stores fail: BackupCorruptError while iterating.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from uuid import UUID

from application.backup_ports import (
    BackupCorruptError,
    BackupNotFoundError,
    BackupStore,
    BackupStoreError,
    StoredBackup,
)


class InMemoryBackupStore:
    """One destination's objects, by key."""

    def __init__(self, *, writable: bool = True, reason: str = "") -> None:
        self.objects: dict[str, bytes] = {}
        self.writable = writable
        self.reason = reason or "the destination refused a test write"
        self.calls: list[tuple[str, str]] = []
        self.fail_put: Exception | None = None
        """Raised (once) by the next put, after reading the stream (a store gone mid-put)."""
        self._lock = threading.Lock()

    def put(self, key: str, chunks: Iterable[bytes], *, timeout: float) -> StoredBackup:
        """Keep the stream; nothing appears under ``key`` unless all of it was read."""
        self.calls.append(("put", key))
        data = b"".join(chunks)
        if self.fail_put is not None:
            error, self.fail_put = self.fail_put, None
            raise error
        with self._lock:
            self.objects[key] = data
        return StoredBackup(key=key, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())

    def get(self, key: str, *, sha256: str, timeout: float) -> Iterator[bytes]:
        """The stream as written, in chunks; BackupCorruptError (while iterating) on a mismatch."""
        self.calls.append(("get", key))
        if key not in self.objects:
            raise BackupNotFoundError(f"no backup object {key!r}")
        data = self.objects[key]

        def stream() -> Iterator[bytes]:
            for start in range(0, len(data), 4096):
                yield data[start : start + 4096]
            if hashlib.sha256(data).hexdigest() != sha256:
                raise BackupCorruptError(f"{key}: the stored bytes do not match their sha256")

        return stream()

    def delete(self, key: str, *, timeout: float) -> bool:
        """Drop the object; False when there was none."""
        self.calls.append(("delete", key))
        with self._lock:
            return self.objects.pop(key, None) is not None

    def check_writable(self, *, timeout: float) -> None:
        """Refuse as configured."""
        self.calls.append(("check_writable", ""))
        if not self.writable:
            raise BackupStoreError(self.reason)

    def corrupt(self, key: str, at: int = 0) -> None:
        """Flip a byte of the stored object (at ``at``, or its middle)."""
        data = bytearray(self.objects[key])
        data[at or len(data) // 2] ^= 0xFF
        self.objects[key] = bytes(data)


class InMemoryBackupStores:
    """Destinations by organisation and id; unknown ones are refused as the real ones are."""

    def __init__(self) -> None:
        self.stores: dict[tuple[UUID, UUID], InMemoryBackupStore] = {}

    def add(self, organization_id: UUID, destination_id: UUID, **kw: object) -> InMemoryBackupStore:
        """A destination of the organisation (``writable=False, reason=...`` refuses writes)."""
        store = InMemoryBackupStore(**kw)  # type: ignore[arg-type]
        self.stores[(organization_id, destination_id)] = store
        return store

    def open(self, organization_id: UUID, destination_id: UUID) -> BackupStore:
        """The destination's store, or BackupStoreError when it is not the organisation's."""
        store = self.stores.get((organization_id, destination_id))
        if store is None:
            raise BackupStoreError(f"no backup destination {destination_id} in this organisation")
        return store
