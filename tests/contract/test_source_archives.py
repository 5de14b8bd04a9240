"""The SourceArchives port, against both adapters: PostgreSQL (server setup, chunks in a
table the API and the workers share) and the embedded SQLite database."""

from __future__ import annotations

import io
import os
import tarfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.archives import CHUNK, PostgresSourceArchives, SqliteSourceArchives
from adapters.eventstore import pg_pool
from application.archives import (
    ArchiveLimits,
    ArchiveMissingError,
    ArchiveRejectedError,
    SourceArchives,
    archive_id,
)
from application.settings import Settings

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ORG, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def archives(store_settings: Settings, tmp_path: Path) -> Iterator[SourceArchives]:
    limits = ArchiveLimits(max_bytes=8 * CHUNK, max_unpacked_bytes=16 * CHUNK)
    if store_settings.database_url is None:
        yield SqliteSourceArchives(store_settings.sqlite_path, limits, spool=tmp_path / "spool")
        return
    pool = pg_pool(store_settings, name="archives-test")
    try:
        yield PostgresSourceArchives(pool, limits, spool=tmp_path / "spool")
    finally:
        pool.close()


def make(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_stored_archive_is_described_and_unpacks_to_the_same_files(
    archives: SourceArchives, tmp_path: Path
) -> None:
    big = os.urandom(3 * CHUNK + 123)  # spans several chunks, does not compress
    upload = make(tmp_path / "a.tar.gz", {"Dockerfile": b"FROM x\n", "data/big.bin": big})
    stored = archives.store(ORG, upload, uploaded_by="user:ada", now=NOW)
    assert stored.organization_id == ORG and stored.size == upload.stat().st_size
    assert stored.id == archive_id(ORG, stored.digest) and stored.files == 2
    assert archives.info(stored.id) == stored
    files = archives.unpack(stored.id, tmp_path / "work")
    assert files == ["Dockerfile", "data/big.bin"]
    assert (tmp_path / "work" / "data" / "big.bin").read_bytes() == big


def test_the_same_content_is_one_archive_per_organisation(
    archives: SourceArchives, tmp_path: Path
) -> None:
    upload = make(tmp_path / "a.tar.gz", {"app.py": b"print(1)\n"})
    first = archives.store(ORG, upload, uploaded_by="user:ada", now=NOW)
    again = archives.store(ORG, upload, uploaded_by="user:ada", now=NOW + timedelta(hours=1))
    theirs = archives.store(OTHER, upload, uploaded_by="user:bob", now=NOW)
    assert again.id == first.id and again.uploaded_at == NOW + timedelta(hours=1)
    assert theirs.id != first.id and theirs.organization_id == OTHER
    assert theirs.digest == first.digest


def test_an_unsafe_archive_is_refused_and_not_kept(
    archives: SourceArchives, tmp_path: Path
) -> None:
    upload = make(tmp_path / "bad.tar.gz", {"../../etc/cron.d/x": b"* * * * * root sh"})
    with pytest.raises(ArchiveRejectedError, match="leaves the archive"):
        archives.store(ORG, upload, uploaded_by="user:ada", now=NOW)
    too_big = tmp_path / "big.tar.gz"
    too_big.write_bytes(os.urandom(9 * CHUNK))
    with pytest.raises(ArchiveRejectedError, match="the limit is"):
        archives.store(ORG, too_big, uploaded_by="user:ada", now=NOW)


def test_pruning_drops_old_archives_nobody_keeps(archives: SourceArchives, tmp_path: Path) -> None:
    old = archives.store(ORG, make(tmp_path / "1.tar.gz", {"a": b"1"}), uploaded_by="u", now=NOW)
    kept = archives.store(ORG, make(tmp_path / "2.tar.gz", {"a": b"2"}), uploaded_by="u", now=NOW)
    recent = archives.store(
        ORG, make(tmp_path / "3.tar.gz", {"a": b"3"}), uploaded_by="u", now=NOW + timedelta(days=2)
    )
    assert archives.prune({kept.id}, NOW + timedelta(days=1)) == 1
    assert archives.info(old.id) is None
    assert archives.info(kept.id) is not None and archives.info(recent.id) is not None
    with pytest.raises(ArchiveMissingError, match="deploy the directory again"):
        archives.unpack(old.id, tmp_path / "gone")


def test_an_unknown_archive_is_none(archives: SourceArchives) -> None:
    assert archives.info(uuid.uuid4()) is None
