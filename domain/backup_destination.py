"""Backup destinations: where an organisation's backups are kept (issue 15). A directory on
the node, or a bucket and prefix of S3-compatible storage whose secret arrives sealed."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import SealedValue, validate_name

MAX_PATH_LENGTH = 1024
MAX_PREFIX_LENGTH = 256
DEFAULT_REGION = "us-east-1"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ACCESS_KEY_ID = re.compile(r"^[A-Za-z0-9_+=/.@-]{1,128}$")
_PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class DestinationKind(Enum):
    """What kind of place a destination is."""

    DIRECTORY = "directory"
    S3 = "s3"


class BackupDestinationRemovedError(RuleViolatedError):
    """Raised when a removed backup destination is asked to change."""


@dataclass(frozen=True, kw_only=True)
class DestinationPlace:
    """Where a destination keeps its files (its secret apart): checked on the way in."""

    kind: DestinationKind
    path: str | None = None
    endpoint_url: str | None = None
    region: str | None = None
    bucket: str | None = None
    prefix: str | None = None
    access_key_id: str | None = None

    def checked(self) -> DestinationPlace:
        """The place with its values normalised; InvalidValueError naming the bad field."""
        if self.kind is DestinationKind.DIRECTORY:
            if any(
                v is not None
                for v in (self.endpoint_url, self.bucket, self.prefix, self.access_key_id)
            ):
                raise InvalidValueError("s3", "a directory destination takes no S3 settings")
            return DestinationPlace(kind=self.kind, path=check_path(self.path))
        if self.path is not None:
            raise InvalidValueError("path", "an S3 destination takes no directory path")
        return DestinationPlace(
            kind=self.kind,
            endpoint_url=check_endpoint(self.endpoint_url),
            region=check_region(self.region),
            bucket=check_bucket(self.bucket),
            prefix=check_prefix(self.prefix),
            access_key_id=check_access_key_id(self.access_key_id),
        )


def check_path(path: str | None) -> str:
    """An absolute, normalised directory path on the node (not ``/`` itself)."""
    if path is None or not path.strip():
        raise InvalidValueError("path", "a directory destination needs an absolute path")
    path = path.strip()
    if len(path) > MAX_PATH_LENGTH or "\0" in path:
        raise InvalidValueError("path", f"must be at most {MAX_PATH_LENGTH} characters")
    if not path.startswith("/"):
        raise InvalidValueError("path", f"{path!r} is not absolute: start it with /")
    if any(part in (".", "..") for part in path.split("/")):
        raise InvalidValueError("path", "must not contain '.' or '..' parts")
    normal = posixpath.normpath(path)
    if normal == "/":
        raise InvalidValueError("path", "must be a directory below /, not / itself")
    return normal


def check_endpoint(url: str | None) -> str | None:
    """An S3-compatible endpoint ``http(s)://host[:port][/path]`` (None: AWS itself)."""
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidValueError(
            "endpoint_url", "must be the storage's address, like https://s3.example.com:9000"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidValueError(
            "endpoint_url", "must be only the address: no credentials, query or fragment"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidValueError("endpoint_url", "has a port that is not a number 1-65535") from None
    return url.strip().rstrip("/")


def check_region(region: str | None) -> str:
    """A region name like ``eu-central-1`` (us-east-1 when left out)."""
    if region is None or not region.strip():
        return DEFAULT_REGION
    if not _REGION.match(region.strip()):
        raise InvalidValueError("region", f"{region[:64]!r} is not a region name like eu-west-1")
    return region.strip()


def check_bucket(bucket: str | None) -> str:
    """A bucket name as S3 allows: 3-63 lowercase letters, digits, dots and hyphens."""
    if bucket is None or not _BUCKET.match(bucket.strip()) or ".." in bucket:
        raise InvalidValueError(
            "bucket",
            "must be a bucket name: 3-63 lowercase letters, digits, '.' and '-', starting "
            "and ending with a letter or digit",
        )
    return bucket.strip()


def check_prefix(prefix: str | None) -> str:
    """A key prefix ``a/b`` of plain segments (empty: the bucket's top)."""
    if prefix is None:
        return ""
    trimmed = prefix.strip().strip("/")
    if not trimmed:
        return ""
    if len(trimmed) > MAX_PREFIX_LENGTH or not all(
        _PREFIX_SEGMENT.match(s) for s in trimmed.split("/")
    ):
        raise InvalidValueError(
            "prefix",
            f"must be at most {MAX_PREFIX_LENGTH} characters of '/'-separated segments of "
            "letters, digits, '.', '-' and '_', each starting with a letter or digit",
        )
    return trimmed


def check_access_key_id(key_id: str | None) -> str:
    """An access key id: 1-128 characters, no spaces."""
    if key_id is None or not _ACCESS_KEY_ID.match(key_id.strip()):
        raise InvalidValueError("access_key_id", "must be the access key id (1-128 characters)")
    return key_id.strip()


class BackupDestination(ContainrAggregate):
    """A place an organisation's backups are written to (its S3 secret sealed)."""

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        name: str
        kind: DestinationKind
        path: str | None
        endpoint_url: str | None
        region: str | None
        bucket: str | None
        prefix: str | None
        access_key_id: str | None
        secret_access_key: str | None

    class Changed(ContainrAggregate.Event):
        """New settings (all of them; a sealed secret only when it was replaced)."""

        name: str
        path: str | None
        endpoint_url: str | None
        region: str | None
        bucket: str | None
        prefix: str | None
        access_key_id: str | None
        secret_access_key: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name
            aggregate.place = DestinationPlace(
                kind=aggregate.place.kind,
                path=self.path,
                endpoint_url=self.endpoint_url,
                region=self.region,
                bucket=self.bucket,
                prefix=self.prefix,
                access_key_id=self.access_key_id,
            )
            if self.secret_access_key is not None:
                aggregate.secret_access_key = SealedValue(self.secret_access_key)

    class Removed(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.removed = True

    def __init__(
        self,
        organization_id: UUID,
        name: str,
        kind: DestinationKind,
        path: str | None,
        endpoint_url: str | None,
        region: str | None,
        bucket: str | None,
        prefix: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.place = DestinationPlace(
            kind=kind,
            path=path,
            endpoint_url=endpoint_url,
            region=region,
            bucket=bucket,
            prefix=prefix,
            access_key_id=access_key_id,
        )
        self.secret_access_key = SealedValue(secret_access_key) if secret_access_key else None
        self.removed = False

    @staticmethod
    def secret_context(destination_id: UUID) -> str:
        """What the sealed secret access key is bound to."""
        return f"backup-destination:{destination_id}:secret-access-key"

    @classmethod
    def create(
        cls,
        destination_id: UUID,
        *,
        organization_id: UUID,
        name: str,
        place: DestinationPlace,
        secret_access_key: SealedValue | None,
        actor: Actor,
        now: datetime,
    ) -> BackupDestination:
        """Record a destination (already tested by a write); S3 needs its sealed secret."""
        place = place.checked()
        if place.kind is DestinationKind.S3 and secret_access_key is None:
            raise InvalidValueError("secret_access_key", "an S3 destination needs its secret")
        return cls._create(
            cls.Created,
            id=destination_id,
            organization_id=organization_id,
            name=validate_name("name", name),
            kind=place.kind,
            path=place.path,
            endpoint_url=place.endpoint_url,
            region=place.region,
            bucket=place.bucket,
            prefix=place.prefix,
            access_key_id=place.access_key_id,
            secret_access_key=secret_access_key if place.kind is DestinationKind.S3 else None,
            actor=actor,
            timestamp=now,
        )

    def change(
        self,
        *,
        name: str,
        place: DestinationPlace,
        secret_access_key: SealedValue | None,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """New settings (of the same kind); False when nothing changes."""
        self._require_live()
        if place.kind is not self.place.kind:
            raise InvalidValueError(
                "kind", "a destination keeps its kind; add another destination instead"
            )
        place = place.checked()
        name = validate_name("name", name)
        if name == self.name and place == self.place and secret_access_key is None:
            return False
        self.trigger_event(
            self.Changed,
            name=name,
            path=place.path,
            endpoint_url=place.endpoint_url,
            region=place.region,
            bucket=place.bucket,
            prefix=place.prefix,
            access_key_id=place.access_key_id,
            secret_access_key=secret_access_key if place.kind is DestinationKind.S3 else None,
            actor=actor,
            timestamp=now,
        )
        return True

    def remove(self, *, actor: Actor, now: datetime) -> None:
        """Stop using the destination (the files already in it stay where they are)."""
        self._require_live()
        self.trigger_event(self.Removed, actor=actor, timestamp=now)

    def _require_live(self) -> None:
        if self.removed:
            raise BackupDestinationRemovedError(
                f"backup destination {self.name!r} is removed; add another one"
            )
