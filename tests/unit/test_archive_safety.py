"""An uploaded archive is checked before anything keeps it, and unpacked under the same rules
(adapters/archives.py): a gzip tar of regular files, directories and links that stay inside."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from adapters.archives import check_archive, unpack_archive
from application.archives import ArchiveLimits, ArchiveRejectedError

LIMITS = ArchiveLimits(max_bytes=1 << 20, max_unpacked_bytes=1 << 20, max_entries=50)


def archive(path: Path, *members: tuple[tarfile.TarInfo, bytes | None]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def test_a_plain_directory_archive_is_accepted_with_its_digest_and_files(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "a.tar.gz",
        (entry("www", tarfile.DIRTYPE), None),
        (entry("www/index.html"), b"hello"),
        (entry("./Dockerfile"), b"FROM x\n"),
        (entry("index.html", tarfile.SYMTYPE, "www/index.html"), None),
        (entry("copy.html", tarfile.LNKTYPE, "www/index.html"), None),
    )
    checked = check_archive(path, LIMITS)
    assert checked.files == ["Dockerfile", "copy.html", "index.html", "www/index.html"]
    assert len(checked.digest) == 64 and checked.size == path.stat().st_size


@pytest.mark.parametrize(
    ("member", "why"),
    [
        (entry("../escape.txt"), "leaves the archive's directory"),
        (entry("a/../../escape.txt"), "leaves the archive's directory"),
        (entry("/etc/cron.d/evil"), "absolute"),
        (entry("passwd", tarfile.SYMTYPE, "/etc/passwd"), "absolute path"),
        (entry("up", tarfile.SYMTYPE, "../../etc"), "leaves the archive's directory"),
        (entry("a/up", tarfile.SYMTYPE, "../.."), "leaves the archive's directory"),
        (entry("hard", tarfile.LNKTYPE, "/etc/shadow"), "absolute"),
        (entry("hard", tarfile.LNKTYPE, "missing.txt"), "not a file before it"),
        (entry("null", tarfile.CHRTYPE), "device files"),
        (entry("disk", tarfile.BLKTYPE), "device files"),
        (entry("fifo", tarfile.FIFOTYPE), "pipes"),
    ],
)
def test_an_archive_reaching_outside_or_holding_devices_is_refused(
    tmp_path: Path, member: tarfile.TarInfo, why: str
) -> None:
    data = b"x" if member.type == tarfile.REGTYPE else None
    path = archive(tmp_path / "bad.tar.gz", (entry("ok.txt"), b"fine"), (member, data))
    with pytest.raises(ArchiveRejectedError, match=why):
        check_archive(path, LIMITS)


def test_what_is_not_a_gzip_tar_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.tar"
    with tarfile.open(plain, "w") as tar:
        tar.addfile(entry("a.txt"), io.BytesIO(b""))
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(gzip.compress(b"this is not a tar archive at all" * 30))
    for path in (plain, garbage):
        with pytest.raises(ArchiveRejectedError, match="not a gzip tar"):
            check_archive(path, LIMITS)


def test_limits_on_size_unpacked_size_and_entries_are_enforced(tmp_path: Path) -> None:
    bomb = archive(tmp_path / "bomb.tar.gz", (entry("zeros"), bytes(2 << 20)))
    assert bomb.stat().st_size < LIMITS.max_bytes  # small when packed…
    with pytest.raises(ArchiveRejectedError, match="unpacks to more than"):
        check_archive(bomb, LIMITS)  # …but not when unpacked
    many = archive(tmp_path / "many.tar.gz", *((entry(f"f{i}"), b"") for i in range(51)))
    with pytest.raises(ArchiveRejectedError, match="more than 50 entries"):
        check_archive(many, LIMITS)
    with pytest.raises(ArchiveRejectedError, match="CONTAINR_UPLOAD_MAX_BYTES"):
        check_archive(many, ArchiveLimits(max_bytes=10))


def test_unpacking_writes_the_tree_and_nothing_outside_it(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "a.tar.gz",
        (entry("www/index.html"), b"hello"),
        (entry("link.html", tarfile.SYMTYPE, "www/index.html"), None),
    )
    files = unpack_archive(path, tmp_path / "out", LIMITS)
    assert files == ["link.html", "www/index.html"]
    assert (tmp_path / "out" / "link.html").read_text() == "hello"
    evil = archive(tmp_path / "evil.tar.gz", (entry("../evil.txt"), b"x"))
    with pytest.raises(ArchiveRejectedError):
        unpack_archive(evil, tmp_path / "out2", LIMITS)
    assert not (tmp_path / "evil.txt").exists()
