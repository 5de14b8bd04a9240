"""Source archives: a directory uploaded as a gzip tar (``containr deploy``) and built like a
checkout. An archive belongs to the organisation that uploaded it; its id is derived from that
organisation and the archive's sha256, so uploading the same content again names the same
archive. Events record an archive's digest and size, never its content."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol
from uuid import UUID, uuid5

import msgspec

from application.errors import ApplicationError
from application.runtime_ports import SourceError

ARCHIVE_NAMESPACE = UUID("6f1d3c52-1b1e-4a43-9d0c-7c2b7f5b0a11")


def archive_id(organization_id: UUID, digest: str) -> UUID:
    """The id of an organisation's archive with this sha256 (hex)."""
    return uuid5(ARCHIVE_NAMESPACE, f"{organization_id}:{digest}")


class ArchiveInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An uploaded source archive: whose, which content (sha256 of the gzip tar) and size."""

    id: UUID
    organization_id: UUID
    digest: str
    size: int
    """Bytes of the gzip tar as uploaded."""
    files: int
    uploaded_at: datetime
    uploaded_by: str


class ArchiveLimits(msgspec.Struct, frozen=True, kw_only=True):
    """What an archive may hold: its size, unpacked size and number of entries."""

    max_bytes: int = 100 * 2**20
    max_unpacked_bytes: int = 1024 * 2**20
    max_entries: int = 100_000


class ArchiveRejectedError(ApplicationError):
    """Raised when an upload is not a safe gzip tar of a directory (path traversal, links out
    of the tree, device files, too large); the message says what and how to fix it."""

    code = "VALIDATION_FAILED"


class ArchiveMissingError(SourceError):
    """Raised when an archive a deployment needs is no longer stored (it was pruned)."""


class SourceArchives(Protocol):
    """Where uploaded source archives live, readable by the API and the workers alike."""

    def store(
        self, organization_id: UUID, upload: Path, *, uploaded_by: str, now: datetime
    ) -> ArchiveInfo:
        """Check the gzip tar at ``upload`` (ArchiveRejectedError) and keep it for the
        organisation; storing the same content again returns the archive already kept."""
        ...

    def info(self, archive: UUID) -> ArchiveInfo | None:
        """An archive's description, or None when there is no such archive (any more)."""
        ...

    def unpack(self, archive: UUID, destination: Path) -> list[str]:
        """Unpack an archive into ``destination`` (created); returns every file in it,
        relative, '/' separated. ArchiveMissingError when it is no longer stored."""
        ...

    def prune(self, keep: set[UUID], uploaded_before: datetime) -> int:
        """Drop archives uploaded before ``uploaded_before`` that are not in ``keep``;
        returns how many went."""
        ...
