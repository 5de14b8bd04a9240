"""The BackupStore contract, run against the directory store and the S3 store on moto.

A store keeps what it is given encrypted, answers with the stored bytes' SHA-256, and on the
way back checks both, frame by frame: a flipped, cut or reordered object never reads back as
data. Objects appear only once complete, memory stays bounded, and every failure is a
BackupStoreError whose message carries the store's reason and never the secret.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import stat
import threading
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.backup_stores import DirectoryStore, S3Location, S3Store
from adapters.backup_stores.sealing import FRAME_BYTES, HEADER_BYTES, TAG_BYTES
from application.backup_ports import (
    BackupCorruptError,
    BackupNotFoundError,
    BackupStore,
    BackupStoreError,
    BackupStoreUnavailableError,
)
from application.secrets import Secret
from tests.s3_server import S3Server

MiB = 1024 * 1024
TIMEOUT = 30.0
SEALED_FRAME = FRAME_BYTES + TAG_BYTES


@dataclass
class Subject:
    """A store under test, with raw access to what it keeps (to tamper with it)."""

    store: BackupStore
    read_raw: Callable[[str], bytes]
    write_raw: Callable[[str], Callable[[bytes], None]]
    leftovers: Callable[[], list[str]]
    """Anything the store holds besides finished objects (temp files, open uploads)."""
    objects: Callable[[], list[str]]
    make: Callable[[bytes], BackupStore]
    """Another store on the same place, with another file key."""


def _directory(tmp_path: Path) -> Subject:
    root = tmp_path / "backups" / "org"

    def write(key: str) -> Callable[[bytes], None]:
        def replace(data: bytes) -> None:
            (root / key).write_bytes(data)

        return replace

    def everything() -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return Subject(
        store=DirectoryStore(root, os.urandom(32)),
        read_raw=lambda key: (root / key).read_bytes(),
        write_raw=write,
        leftovers=lambda: [k for k in everything() if Path(k).name.startswith(".")],
        objects=lambda: [k for k in everything() if not Path(k).name.startswith(".")],
        make=lambda file_key: DirectoryStore(root, file_key),
    )


def _s3(server: S3Server, bucket: str) -> Subject:
    location = S3Location(
        endpoint_url=server.endpoint_url,
        region=server.region,
        bucket=bucket,
        prefix="team/backups",
        access_key_id=server.access_key_id,
    )
    secret = Secret(server.secret_access_key)
    client = server.client()

    def read(key: str) -> bytes:
        body: bytes = client.get_object(Bucket=bucket, Key=f"team/backups/{key}")["Body"].read()
        return body

    def write(key: str) -> Callable[[bytes], None]:
        return lambda data: client.put_object(Bucket=bucket, Key=f"team/backups/{key}", Body=data)

    return Subject(
        store=S3Store(location, secret, os.urandom(32), part_bytes=5 * MiB),
        read_raw=read,
        write_raw=write,
        leftovers=lambda: server.uploads(bucket),
        objects=lambda: sorted(k.removeprefix("team/backups/") for k in server.keys(bucket)),
        make=lambda file_key: S3Store(location, secret, file_key, part_bytes=5 * MiB),
    )


@pytest.fixture(params=["directory", "s3"])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Subject:
    if request.param == "directory":
        return _directory(tmp_path)
    server: S3Server = request.getfixturevalue("s3_server")
    return _s3(server, request.getfixturevalue("s3_bucket"))


def pattern(size: int, piece: int = 256 * 1024) -> Iterator[bytes]:
    """``size`` bytes of varied content, made piece by piece (never held whole)."""
    counter = 0
    left = size
    while left > 0:
        seed = hashlib.sha256(counter.to_bytes(8, "big")).digest()
        chunk = (seed * (piece // len(seed) + 1))[: min(piece, left)]
        counter += 1
        left -= len(chunk)
        yield chunk


def digest_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for chunk in chunks:
        h.update(chunk)
        n += len(chunk)
    return h.hexdigest(), n


def read_all(store: BackupStore, key: str, sha256: str) -> bytes:
    return b"".join(store.get(key, sha256=sha256, timeout=TIMEOUT))


def test_a_large_stream_round_trips_in_bounded_memory(subject: Subject) -> None:
    size = 40 * MiB
    expected = digest_of(pattern(size))
    subject.store.check_writable(timeout=TIMEOUT)  # clients made and their models loaded
    tracemalloc.start()
    try:
        stored = subject.store.put("svc/big.dump", pattern(size), timeout=TIMEOUT)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        got = digest_of(subject.store.get("svc/big.dump", sha256=stored.sha256, timeout=TIMEOUT))
        _, get_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == expected
    assert stored.size_bytes > size  # the header and a tag per frame
    assert stored.sha256 == hashlib.sha256(subject.read_raw("svc/big.dump")).hexdigest()
    assert put_peak < size / 2, f"put held {put_peak} bytes at once"
    assert get_peak < size / 4, f"get held {get_peak} bytes at once"


def test_what_is_kept_is_encrypted(subject: Subject) -> None:
    plain = b"CREATE TABLE secrets (v text); -- " * 1000
    subject.store.put("svc/a.dump", [plain], timeout=TIMEOUT)
    raw = subject.read_raw("svc/a.dump")
    assert b"CREATE TABLE" not in raw
    assert raw.startswith(b"CBK1")


def test_empty_and_frame_sized_streams_round_trip(subject: Subject) -> None:
    for size in (0, 1, FRAME_BYTES, FRAME_BYTES + 1, 2 * FRAME_BYTES):
        data = b"".join(pattern(size))
        stored = subject.store.put(f"svc/{size}.dump", [data], timeout=TIMEOUT)
        assert read_all(subject.store, f"svc/{size}.dump", stored.sha256) == data


def _tampered(subject: Subject, key: str, change: Callable[[bytes], bytes]) -> str:
    """Rewrite the stored object through ``change``; the SHA-256 of the new bytes."""
    changed = change(subject.read_raw(key))
    subject.write_raw(key)(changed)
    return hashlib.sha256(changed).hexdigest()


def _three_frames(subject: Subject) -> tuple[str, str]:
    stored = subject.store.put("svc/t.dump", pattern(3 * FRAME_BYTES - 100), timeout=TIMEOUT)
    return stored.key, stored.sha256


def test_a_flipped_byte_fails_the_read_even_with_a_matching_checksum(subject: Subject) -> None:
    key, original = _three_frames(subject)
    at = HEADER_BYTES + SEALED_FRAME + 1000  # inside the second frame

    def flip(raw: bytes) -> bytes:
        return raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1 :]

    new_sha = _tampered(subject, key, flip)
    with pytest.raises(BackupCorruptError, match="frame 1"):
        read_all(subject.store, key, new_sha)
    with pytest.raises(BackupCorruptError):
        read_all(subject.store, key, original)


def test_a_flipped_header_byte_fails_the_read(subject: Subject) -> None:
    key, _ = _three_frames(subject)
    new_sha = _tampered(subject, key, lambda raw: raw[:10] + bytes([raw[10] ^ 0x80]) + raw[11:])
    with pytest.raises(BackupCorruptError):
        read_all(subject.store, key, new_sha)


def test_an_object_cut_at_a_frame_boundary_fails_the_read(subject: Subject) -> None:
    key, _ = _three_frames(subject)
    new_sha = _tampered(subject, key, lambda raw: raw[: HEADER_BYTES + 2 * SEALED_FRAME])
    with pytest.raises(BackupCorruptError):
        read_all(subject.store, key, new_sha)


def _cut(raw: bytes, *, length: int) -> bytes:
    return raw[:length]


def test_an_object_cut_anywhere_fails_the_read(subject: Subject) -> None:
    key, _ = _three_frames(subject)
    for length in (0, 5, HEADER_BYTES, HEADER_BYTES + 10, HEADER_BYTES + SEALED_FRAME + 7):
        subject.store.put(key, pattern(3 * FRAME_BYTES - 100), timeout=TIMEOUT)
        new_sha = _tampered(subject, key, functools.partial(_cut, length=length))
        with pytest.raises(BackupCorruptError):
            read_all(subject.store, key, new_sha)


def test_reordered_frames_fail_the_read(subject: Subject) -> None:
    key, _ = _three_frames(subject)

    def swap(raw: bytes) -> bytes:
        head, rest = raw[:HEADER_BYTES], raw[HEADER_BYTES:]
        first, second = rest[:SEALED_FRAME], rest[SEALED_FRAME : 2 * SEALED_FRAME]
        return head + second + first + rest[2 * SEALED_FRAME :]

    new_sha = _tampered(subject, key, swap)
    with pytest.raises(BackupCorruptError, match="frame 0"):
        read_all(subject.store, key, new_sha)


def test_a_wrong_checksum_fails_the_read(subject: Subject) -> None:
    stored = subject.store.put("svc/c.dump", [b"x" * 1000], timeout=TIMEOUT)
    for wrong in ("0" * 64, "", "ünïcode", stored.sha256[:-1]):
        with pytest.raises(BackupCorruptError, match="SHA-256"):
            read_all(subject.store, "svc/c.dump", wrong)
    assert read_all(subject.store, "svc/c.dump", stored.sha256) == b"x" * 1000


def test_another_organisations_key_cannot_read_a_backup(subject: Subject) -> None:
    stored = subject.store.put("svc/k.dump", [b"rows" * 100], timeout=TIMEOUT)
    other = subject.make(os.urandom(32))
    with pytest.raises(BackupCorruptError):
        read_all(other, "svc/k.dump", stored.sha256)


def test_a_missing_key_is_not_found_at_once(subject: Subject) -> None:
    with pytest.raises(BackupNotFoundError):
        subject.store.get("svc/never.dump", sha256="0" * 64, timeout=TIMEOUT)


def test_delete_removes_the_object_and_says_whether_there_was_one(subject: Subject) -> None:
    subject.store.put("svc/d.dump", [b"data"], timeout=TIMEOUT)
    subject.store.put("svc/e.dump", [b"data"], timeout=TIMEOUT)
    assert subject.store.delete("svc/d.dump", timeout=TIMEOUT) is True
    assert subject.store.delete("svc/d.dump", timeout=TIMEOUT) is False
    with pytest.raises(BackupNotFoundError):
        subject.store.get("svc/d.dump", sha256="0" * 64, timeout=TIMEOUT)
    assert subject.objects() == ["svc/e.dump"]


class DumpCrashedError(Exception):
    """The dump's stream broke."""


def test_a_crash_mid_put_leaves_no_object(subject: Subject) -> None:
    def crashing() -> Iterator[bytes]:
        yield from pattern(12 * MiB)  # more than a part has gone out
        raise DumpCrashedError("pg_dump died")

    with pytest.raises(DumpCrashedError):
        subject.store.put("svc/crash.dump", crashing(), timeout=TIMEOUT)
    assert subject.objects() == []
    assert subject.leftovers() == []
    with pytest.raises(BackupNotFoundError):
        subject.store.get("svc/crash.dump", sha256="0" * 64, timeout=TIMEOUT)


def test_a_put_replaces_an_object_only_once_complete(subject: Subject) -> None:
    first = subject.store.put("svc/r.dump", [b"first"], timeout=TIMEOUT)

    def crashing() -> Iterator[bytes]:
        yield b"second"
        raise DumpCrashedError("broken")

    with pytest.raises(DumpCrashedError):
        subject.store.put("svc/r.dump", crashing(), timeout=TIMEOUT)
    assert read_all(subject.store, "svc/r.dump", first.sha256) == b"first"


@pytest.mark.parametrize("key", ["", "../escape.dump", "/abs.dump", "a//b", ".hidden", "a/../b"])
def test_keys_outside_the_destination_are_refused(subject: Subject, key: str) -> None:
    with pytest.raises(BackupStoreError, match="not a backup key"):
        subject.store.put(key, [b"x"], timeout=TIMEOUT)


def test_check_writable_passes_and_leaves_nothing(subject: Subject) -> None:
    subject.store.check_writable(timeout=TIMEOUT)
    assert subject.objects() == []
    assert subject.leftovers() == []


# The directory store's own rules


def test_directory_store_makes_private_directories_and_files(tmp_path: Path) -> None:
    root = tmp_path / "new" / "backups"
    store = DirectoryStore(root, os.urandom(32))
    store.check_writable(timeout=TIMEOUT)
    store.put("svc/a.dump", [b"data"], timeout=TIMEOUT)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "svc").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "svc" / "a.dump").stat().st_mode) == 0o600


def test_directory_store_refuses_a_path_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    store = DirectoryStore(blocker / "backups", os.urandom(32))
    with pytest.raises(BackupStoreError, match=r"not a directory|cannot be created") as e:
        store.check_writable(timeout=TIMEOUT)
    assert str(blocker) in str(e.value)


def test_directory_store_refuses_a_read_only_directory(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes through file modes: a read-only file system is what stops it.
        target = Path("/proc/containr-backups")
    else:
        target = tmp_path / "ro"
        target.mkdir(mode=0o500)
    store = DirectoryStore(target, os.urandom(32))
    with pytest.raises(BackupStoreError, match=str(target)):
        store.check_writable(timeout=TIMEOUT)


# The S3 store's refusals


def _s3_store(server: S3Server, bucket: str, **changes: str) -> tuple[S3Store, str]:
    values = {
        "endpoint_url": server.endpoint_url,
        "region": server.region,
        "bucket": bucket,
        "prefix": "p",
        "access_key_id": server.access_key_id,
        "secret": server.secret_access_key,
    }
    values.update(changes)
    secret = values.pop("secret")
    location = S3Location(**values)
    return S3Store(location, Secret(secret), os.urandom(32)), secret


def test_s3_wrong_secret_is_refused_without_the_secret_in_the_reason(
    s3_server: S3Server, s3_bucket: str
) -> None:
    store, secret = _s3_store(s3_server, s3_bucket, secret="Wr0ngSecretValue/abcdefghij")
    with pytest.raises(BackupStoreError, match="refused the secret access key") as e:
        store.check_writable(timeout=TIMEOUT)
    assert secret not in str(e.value)
    assert s3_server.secret_access_key not in str(e.value)


def test_s3_unknown_access_key_is_refused(s3_server: S3Server, s3_bucket: str) -> None:
    store, secret = _s3_store(s3_server, s3_bucket, access_key_id="AKIAUNKNOWN000000000")
    with pytest.raises(BackupStoreError, match="does not know the access key id") as e:
        store.check_writable(timeout=TIMEOUT)
    assert secret not in str(e.value)


def test_s3_missing_bucket_is_refused(s3_server: S3Server) -> None:
    store, secret = _s3_store(s3_server, "no-such-bucket-here")
    with pytest.raises(BackupStoreError, match="'no-such-bucket-here' does not exist") as e:
        store.check_writable(timeout=TIMEOUT)
    assert secret not in str(e.value)


def test_s3_put_to_a_missing_bucket_is_refused(s3_server: S3Server) -> None:
    store, _ = _s3_store(s3_server, "no-such-bucket-here")
    with pytest.raises(BackupStoreError, match="does not exist"):
        store.put("svc/a.dump", [b"x"], timeout=TIMEOUT)


def test_s3_endpoint_nobody_listens_on_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the store calls it
    location = S3Location(
        endpoint_url=f"http://127.0.0.1:{port}",
        region="us-east-1",
        bucket="b-b-b",
        prefix="",
        access_key_id="AKIAEXAMPLE",
    )
    store = S3Store(location, Secret("s3cr3t-value"), os.urandom(32))
    with pytest.raises(BackupStoreUnavailableError) as e:
        store.check_writable(timeout=3.0)
    assert "s3cr3t-value" not in str(e.value)


def test_s3_endpoint_that_never_answers_fails_within_the_deadline() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # connections queue up; nothing ever reads or answers them
        port = listener.getsockname()[1]
        location = S3Location(
            endpoint_url=f"http://127.0.0.1:{port}",
            region="us-east-1",
            bucket="b-b-b",
            prefix="",
            access_key_id="AKIAEXAMPLE",
        )
        store = S3Store(location, Secret("s3cr3t-value"), os.urandom(32))
        outcome: list[BaseException] = []

        def call() -> None:
            try:
                store.check_writable(timeout=3.0)
            except BaseException as e:  # handed to the test thread
                outcome.append(e)

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        # Generous for a loaded machine, but bounded: three attempts of about a second each.
        worker.join(120)
        assert not worker.is_alive(), "the store did not give up on a silent endpoint"
    assert len(outcome) == 1
    assert isinstance(outcome[0], BackupStoreUnavailableError)
