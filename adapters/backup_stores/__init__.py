"""Backup stores: a directory on the node, or S3-compatible storage, both encrypting what
they keep with the organisation's file key (see sealing.py)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from adapters.backup_stores.directory import DirectoryStore
from adapters.backup_stores.s3 import S3Location, S3Store
from application.backup_ports import BackupStore, BackupStoreError
from application.ports import SecretBox
from application.secrets import Secret
from domain.backup_destination import DestinationKind, DestinationPlace

FILE_KEY_CONTEXT = "backup-files"
"""What the organisation's file key for backups is derived for."""

__all__ = ["FILE_KEY_CONTEXT", "DirectoryAndS3Stores", "DirectoryStore", "S3Location", "S3Store"]


class DirectoryAndS3Stores:
    """Makes the store of a destination's place, keyed with its organisation's file key."""

    def __init__(self, secrets: SecretBox) -> None:
        self._secrets = secrets

    def store(
        self, organization_id: UUID, place: DestinationPlace, secret: Secret | None
    ) -> BackupStore:
        """The store of ``place`` (S3 needs ``secret``, its secret access key)."""
        key = self._secrets.file_key(organization_id, FILE_KEY_CONTEXT)
        if place.kind is DestinationKind.DIRECTORY:
            assert place.path is not None
            return DirectoryStore(Path(place.path), key)
        if secret is None or place.bucket is None or place.access_key_id is None:
            raise BackupStoreError("the S3 destination is missing its bucket or credentials")
        location = S3Location(
            endpoint_url=place.endpoint_url,
            region=place.region or "us-east-1",
            bucket=place.bucket,
            prefix=place.prefix or "",
            access_key_id=place.access_key_id,
        )
        return S3Store(location, secret, key)
