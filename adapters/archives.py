"""Source archives in PostgreSQL (server setup) or the embedded SQLite database, in chunks.

An archive is checked before anything keeps it: a gzip tar whose entries are regular files,
directories and links that stay inside the tree; no absolute paths, no ``..``, no device
files or pipes, and limits on its size, unpacked size and number of entries. Unpacking uses
tarfile's ``data`` filter besides, so an archive stored by an older version is held to the
same rules.
"""

from __future__ import annotations

import hashlib
import posixpath
import shutil
import sqlite3
import tarfile
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from adapters.postgres import GuardedPool
from application.archives import (
    ArchiveInfo,
    ArchiveLimits,
    ArchiveMissingError,
    ArchiveRejectedError,
    archive_id,
)

CHUNK = 1024 * 1024
ARCHIVES_SQL = {
    "postgres": [
        "CREATE TABLE IF NOT EXISTS containr_archives (id uuid PRIMARY KEY, "
        "organization_id uuid NOT NULL, digest text NOT NULL, size bigint NOT NULL, "
        "files integer NOT NULL, uploaded_at timestamptz NOT NULL, uploaded_by text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS containr_archive_chunks (archive_id uuid NOT NULL "
        "REFERENCES containr_archives (id) ON DELETE CASCADE, seq integer NOT NULL, "
        "data bytea NOT NULL, PRIMARY KEY (archive_id, seq))",
    ],
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS containr_archives (id TEXT PRIMARY KEY, "
        "organization_id TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL, "
        "files INTEGER NOT NULL, uploaded_at TEXT NOT NULL, uploaded_by TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS containr_archive_chunks (archive_id TEXT NOT NULL, "
        "seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (archive_id, seq))",
    ],
}
_COLUMNS = "id, organization_id, digest, size, files, uploaded_at, uploaded_by"


class Checked(msgspec.Struct, frozen=True, kw_only=True):
    """What checking an archive found: its sha256, size and files."""

    digest: str
    size: int
    files: list[str]


def check_archive(path: Path, limits: ArchiveLimits) -> Checked:
    """Check the gzip tar at ``path`` against the rules above; ArchiveRejectedError if not."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ArchiveRejectedError(
            f"the archive is {size} bytes; the limit is {limits.max_bytes} "
            "(CONTAINR_UPLOAD_MAX_BYTES): leave build output and dependencies out with "
            ".containrignore"
        )
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    try:
        files = _check_members(path, limits)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
        raise ArchiveRejectedError(f"not a gzip tar archive ({type(e).__name__})") from None
    return Checked(digest=digest.hexdigest(), size=size, files=files)


def _check_members(path: Path, limits: ArchiveLimits) -> list[str]:
    files: list[str] = []
    regular: set[str] = set()
    unpacked = 0
    with tarfile.open(path, mode="r|gz") as tar:
        for count, member in enumerate(tar, start=1):
            if count > limits.max_entries:
                raise ArchiveRejectedError(
                    f"the archive holds more than {limits.max_entries} entries"
                )
            name = _inside(member.name, member.name)
            if member.isdir():
                continue
            if member.isreg():
                unpacked += member.size
                if unpacked > limits.max_unpacked_bytes:
                    raise ArchiveRejectedError(
                        f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes"
                    )
                regular.add(name)
            elif member.issym():
                if member.linkname.startswith("/"):
                    raise ArchiveRejectedError(
                        f"{member.name}: a symbolic link to an absolute path ({member.linkname})"
                    )
                _inside(posixpath.join(posixpath.dirname(name), member.linkname), member.name)
            elif member.islnk():
                target = _inside(member.linkname, member.name)
                if target not in regular:
                    raise ArchiveRejectedError(
                        f"{member.name}: a hard link to {member.linkname}, not a file before it"
                    )
            else:
                raise ArchiveRejectedError(
                    f"{member.name}: device files, pipes and sockets are not source"
                )
            files.append(name)
    return sorted(files)


def _inside(name: str, member: str) -> str:
    """``name`` normalised, refused when absolute or reaching outside the tree."""
    if name.startswith("/") or "\\" in name or "\0" in name:
        raise ArchiveRejectedError(f"{member}: an absolute or unusual path")
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../"):
        raise ArchiveRejectedError(f"{member}: the path leaves the archive's directory")
    return normal


def unpack_archive(path: Path, destination: Path, limits: ArchiveLimits) -> list[str]:
    """Check, then unpack the archive into ``destination``; returns its files."""
    checked = check_archive(path, limits)
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, mode="r:gz") as tar:
        tar.extractall(destination, filter="data")
    return checked.files


class _Store:
    """What both databases share: checking, chunking and unpacking."""

    def __init__(self, limits: ArchiveLimits, spool: Path | None) -> None:
        self.limits = limits
        self._spool = spool

    def _temporary(self) -> Path:
        if self._spool is not None:
            self._spool.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="archive-", dir=self._spool))

    def store(
        self, organization_id: UUID, upload: Path, *, uploaded_by: str, now: datetime
    ) -> ArchiveInfo:
        """Check the archive and keep it (once per organisation and content)."""
        checked = check_archive(upload, self.limits)
        info = ArchiveInfo(
            id=archive_id(organization_id, checked.digest),
            organization_id=organization_id,
            digest=checked.digest,
            size=checked.size,
            files=len(checked.files),
            uploaded_at=now,
            uploaded_by=uploaded_by,
        )
        return self._keep(info, upload)

    def unpack(self, archive: UUID, destination: Path) -> list[str]:
        """Write the archive's chunks to a file, then unpack it."""
        directory = self._temporary()
        try:
            path = directory / "archive.tar.gz"
            with path.open("wb") as f:
                found = False
                for chunk in self._chunks(archive):
                    found = True
                    f.write(chunk)
            if not found:
                raise ArchiveMissingError(
                    f"the uploaded archive {archive} is no longer stored (archives no "
                    "deployment needs are pruned): deploy the directory again"
                )
            try:
                return unpack_archive(path, destination, self.limits)
            except ArchiveRejectedError as e:
                raise ArchiveMissingError(f"the stored archive cannot be unpacked: {e}") from e
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def _keep(self, info: ArchiveInfo, upload: Path) -> ArchiveInfo:
        raise NotImplementedError

    def _chunks(self, archive: UUID) -> Iterator[bytes]:
        raise NotImplementedError


def _read_chunks(upload: Path) -> Iterator[tuple[int, bytes]]:
    with upload.open("rb") as f:
        yield from enumerate(iter(lambda: f.read(CHUNK), b""))


class PostgresSourceArchives(_Store):
    """Archives in ``containr_archives`` and ``containr_archive_chunks``."""

    def __init__(
        self, pool: GuardedPool, limits: ArchiveLimits, *, spool: Path | None = None
    ) -> None:
        super().__init__(limits, spool)
        self._pool = pool

    def _keep(self, info: ArchiveInfo, upload: Path) -> ArchiveInfo:
        with self._pool.connection() as conn, conn.transaction():
            self._pool.batch(conn)
            # A second upload of the same content starts its grace period anew (xmax = 0:
            # this statement inserted the row rather than updating it).
            inserted = conn.execute(
                f"INSERT INTO containr_archives ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608 - fixed column names
                "ON CONFLICT (id) DO UPDATE SET uploaded_at = EXCLUDED.uploaded_at "
                "RETURNING (xmax = 0)",
                (
                    info.id,
                    info.organization_id,
                    info.digest,
                    info.size,
                    info.files,
                    info.uploaded_at,
                    info.uploaded_by,
                ),
            ).fetchone()[0]
            if inserted:
                with conn.cursor() as cursor:
                    for seq, block in _read_chunks(upload):
                        cursor.execute(
                            "INSERT INTO containr_archive_chunks (archive_id, seq, data) "
                            "VALUES (%s, %s, %s)",
                            (info.id, seq, block),
                        )
        found = self.info(info.id)
        assert found is not None
        return found

    def info(self, archive: UUID) -> ArchiveInfo | None:
        """The archive's row, if it is stored."""
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_archives WHERE id = %s",  # noqa: S608 - fixed column names
                (archive,),
            ).fetchone()
        return None if row is None else _info(row)

    def _chunks(self, archive: UUID) -> Iterator[bytes]:
        # One chunk per statement: a large archive never sits in memory whole.
        seq = 0
        while True:
            with self._pool.connection() as conn:
                row = conn.execute(
                    "SELECT data FROM containr_archive_chunks WHERE archive_id = %s AND seq = %s",
                    (archive, seq),
                ).fetchone()
            if row is None:
                return
            yield bytes(row[0])
            seq += 1

    def prune(self, keep: set[UUID], uploaded_before: datetime) -> int:
        """Drop old archives nobody needs (their chunks go with them)."""
        with self._pool.connection() as conn, conn.transaction():
            self._pool.batch(conn)
            cursor = conn.execute(
                "DELETE FROM containr_archives "
                "WHERE uploaded_at < %s AND NOT (id = ANY(%s::uuid[]))",
                (uploaded_before, list(keep)),
            )
            return int(cursor.rowcount)


class SqliteSourceArchives(_Store):
    """Archives in the embedded database."""

    def __init__(self, path: Path, limits: ArchiveLimits, *, spool: Path | None = None) -> None:
        super().__init__(limits, spool)
        self._path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def _keep(self, info: ArchiveInfo, upload: Path) -> ArchiveInfo:
        with self._lock, closing(self._connect()) as conn, conn:
            inserted = conn.execute(
                f"INSERT OR IGNORE INTO containr_archives ({_COLUMNS}) "  # noqa: S608 - fixed column names
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    str(info.id),
                    str(info.organization_id),
                    info.digest,
                    info.size,
                    info.files,
                    info.uploaded_at.isoformat(),
                    info.uploaded_by,
                ),
            ).rowcount
            if inserted:
                conn.executemany(
                    "INSERT INTO containr_archive_chunks (archive_id, seq, data) VALUES (?, ?, ?)",
                    ((str(info.id), seq, block) for seq, block in _read_chunks(upload)),
                )
            else:
                conn.execute(
                    "UPDATE containr_archives SET uploaded_at = ? WHERE id = ?",
                    (info.uploaded_at.isoformat(), str(info.id)),
                )
        found = self.info(info.id)
        assert found is not None
        return found

    def info(self, archive: UUID) -> ArchiveInfo | None:
        """The archive's row, if it is stored."""
        with closing(self._connect()) as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM containr_archives WHERE id = ?",  # noqa: S608 - fixed column names
                (str(archive),),
            ).fetchone()
        if row is None:
            return None
        return _info(
            (UUID(row[0]), UUID(row[1]), *row[2:5], datetime.fromisoformat(row[5]), row[6])
        )

    def _chunks(self, archive: UUID) -> Iterator[bytes]:
        with closing(self._connect()) as conn:
            cursor = conn.execute(
                "SELECT data FROM containr_archive_chunks WHERE archive_id = ? ORDER BY seq",
                (str(archive),),
            )
            yield from (bytes(data) for (data,) in cursor)

    def prune(self, keep: set[UUID], uploaded_before: datetime) -> int:
        """Drop old archives nobody needs, with their chunks."""
        with self._lock, closing(self._connect()) as conn, conn:
            rows = conn.execute(
                "SELECT id FROM containr_archives WHERE uploaded_at < ?",
                (uploaded_before.isoformat(),),
            ).fetchall()
            doomed = [(r[0],) for r in rows if UUID(r[0]) not in keep]
            conn.executemany("DELETE FROM containr_archive_chunks WHERE archive_id = ?", doomed)
            conn.executemany("DELETE FROM containr_archives WHERE id = ?", doomed)
            return len(doomed)


def _info(row: Any) -> ArchiveInfo:
    return ArchiveInfo(
        id=row[0],
        organization_id=row[1],
        digest=row[2],
        size=int(row[3]),
        files=int(row[4]),
        uploaded_at=row[5],
        uploaded_by=row[6],
    )
