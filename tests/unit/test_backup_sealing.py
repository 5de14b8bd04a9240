"""The framed AES-256-GCM format of backup files, with tiny frames so every boundary is hit:
any stream round-trips however it is chunked, and every single-byte change, every cut and
every swap of two frames fails the read."""

from __future__ import annotations

import hashlib
import os

import pytest

from adapters.backup_stores.sealing import (
    HEADER_BYTES,
    TAG_BYTES,
    Digest,
    open_stream,
    seal_stream,
)
from application.backup_ports import BackupCorruptError

KEY = os.urandom(32)
FRAME = 16


def sealed(data: bytes, pieces: int = 3) -> tuple[bytes, str]:
    size = max(1, len(data) // pieces)
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    digest = Digest()
    stored = b"".join(seal_stream(KEY, chunks, digest, frame_bytes=FRAME))
    assert digest.size == len(stored)
    return stored, digest.hexdigest()


def opened(stored: bytes, sha: str, read: int = 7) -> bytes:
    pieces = [stored[i : i + read] for i in range(0, len(stored), read)]
    return b"".join(open_stream(KEY, pieces, sha256=sha, frame_bytes=FRAME))


@pytest.mark.parametrize("size", [0, 1, FRAME - 1, FRAME, FRAME + 1, 3 * FRAME, 5 * FRAME + 3])
def test_any_stream_round_trips_however_it_is_chunked(size: int) -> None:
    data = os.urandom(size)
    stored, sha = sealed(data)
    assert sha == hashlib.sha256(stored).hexdigest()
    frames = max(1, -(-size // FRAME))  # the last frame holds 1 to FRAME bytes (0: empty)
    assert len(stored) == HEADER_BYTES + size + frames * TAG_BYTES
    for read in (1, 5, FRAME + TAG_BYTES, 1000):
        assert opened(stored, sha, read) == data


def test_every_flipped_byte_fails_the_read() -> None:
    stored, _ = sealed(os.urandom(3 * FRAME + 5))
    for at in range(len(stored)):
        changed = stored[:at] + bytes([stored[at] ^ 0x40]) + stored[at + 1 :]
        with pytest.raises(BackupCorruptError):
            opened(changed, hashlib.sha256(changed).hexdigest())


def test_every_cut_fails_the_read() -> None:
    stored, _ = sealed(os.urandom(3 * FRAME + 5))
    for length in range(len(stored)):
        cut = stored[:length]
        with pytest.raises(BackupCorruptError):
            opened(cut, hashlib.sha256(cut).hexdigest())


def test_swapped_or_repeated_frames_fail_the_read() -> None:
    stored, _ = sealed(os.urandom(4 * FRAME))
    head, body = stored[:HEADER_BYTES], stored[HEADER_BYTES:]
    frame = FRAME + TAG_BYTES
    frames = [body[i : i + frame] for i in range(0, len(body), frame)]
    assert len(frames) == 4
    for order in ([1, 0, 2, 3], [0, 0, 2, 3], [0, 1, 3, 2], [0, 1, 2, 2, 3], [0, 1, 2], [0, 1, 3]):
        changed = head + b"".join(frames[i] for i in order)
        with pytest.raises(BackupCorruptError):
            opened(changed, hashlib.sha256(changed).hexdigest())


def test_each_object_has_its_own_key_and_nonces() -> None:
    data = b"same plaintext" * 10
    first, _ = sealed(data)
    second, _ = sealed(data)
    assert first[HEADER_BYTES:] != second[HEADER_BYTES:]


def test_the_last_frame_is_held_back_until_the_checksum_matched() -> None:
    data = os.urandom(2 * FRAME + 4)
    stored, _ = sealed(data)
    got: list[bytes] = []
    reading = open_stream(KEY, [stored], sha256="0" * 64, frame_bytes=FRAME)
    with pytest.raises(BackupCorruptError, match="SHA-256"):
        got.extend(reading)  # extend keeps what came before the failure
    assert b"".join(got) == data[: 2 * FRAME]
