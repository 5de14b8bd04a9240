"""Streaming encryption of backup files: AES-256-GCM in framed chunks.

Layout of a stored object::

    header  = b"CBK1" + salt (16 random bytes) + nonce prefix (8 random bytes)
    frame i = AES-256-GCM(plaintext[i]) + tag (16 bytes)

Every frame but the last holds exactly FRAME_BYTES of plaintext; the last holds 0 to
FRAME_BYTES and is always present, so a reader knows where frames end without lengths in
the clear. Each object has its own key, HKDF(file key, salt); a frame's nonce is the
object's prefix and the frame's counter; its associated data is the header, the counter
and a final-frame flag. So a flipped byte fails its frame's tag, a reordered frame fails
its nonce, and an object cut at a frame boundary fails because its new last frame was not
sealed as final. The SHA-256 of the stored bytes is computed as they stream, both ways.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import struct
from collections.abc import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from application.backup_ports import BackupCorruptError

MAGIC = b"CBK1"
SALT_BYTES = 16
PREFIX_BYTES = 8
HEADER_BYTES = len(MAGIC) + SALT_BYTES + PREFIX_BYTES
TAG_BYTES = 16
FRAME_BYTES = 1024 * 1024
"""Plaintext per frame: what a reader holds in memory at most (twice, while decrypting)."""
MAX_FRAMES = 2**32 - 1
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _object_key(file_key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"containr-backup-object-v1"
    ).derive(file_key)
    return AESGCM(derived)


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def _aad(header: bytes, counter: int, final: bool) -> bytes:
    return header + struct.pack(">IB", counter, 1 if final else 0)


class Digest:
    """The running SHA-256 and size of the stored bytes."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes) -> bytes:
        """Count ``data`` in and hand it on."""
        self._hash.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        """The SHA-256 so far, in hex."""
        return self._hash.hexdigest()


def seal_stream(
    file_key: bytes, chunks: Iterable[bytes], digest: Digest, *, frame_bytes: int = FRAME_BYTES
) -> Iterator[bytes]:
    """The encrypted stream of ``chunks`` (header, then frames), counted into ``digest``."""
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
    header = MAGIC + salt + prefix
    aead = _object_key(file_key, salt)
    yield digest.update(header)
    pending = bytearray()
    counter = 0
    for chunk in chunks:
        pending += chunk
        # Keep at least one byte back: the last frame must be sealed as final.
        while len(pending) > frame_bytes:
            frame = bytes(pending[:frame_bytes])
            del pending[:frame_bytes]
            yield digest.update(
                aead.encrypt(_nonce(prefix, counter), frame, _aad(header, counter, False))
            )
            counter += 1
            if counter >= MAX_FRAMES:
                raise ValueError("a backup file holds at most 2**32-1 frames")
    yield digest.update(
        aead.encrypt(_nonce(prefix, counter), bytes(pending), _aad(header, counter, True))
    )


def open_stream(
    file_key: bytes,
    stored: Iterable[bytes],
    *,
    sha256: str,
    frame_bytes: int = FRAME_BYTES,
) -> Iterator[bytes]:
    """The plaintext of a stored stream, frame by frame. Raises BackupCorruptError when a
    frame fails its tag, the object is cut short or the stored bytes' SHA-256 differs; the
    last frame is only handed out once the checksum matched."""
    digest = Digest()
    sealed_frame = frame_bytes + TAG_BYTES
    pending = bytearray()
    header: bytes | None = None
    aead: AESGCM | None = None
    counter = 0
    for chunk in stored:
        pending += digest.update(chunk)
        if header is None:
            if len(pending) < HEADER_BYTES:
                continue
            header = bytes(pending[:HEADER_BYTES])
            del pending[:HEADER_BYTES]
            if not header.startswith(MAGIC):
                raise BackupCorruptError("the stored backup is not a Containr backup file")
            aead = _object_key(file_key, header[len(MAGIC) : len(MAGIC) + SALT_BYTES])
        while len(pending) > sealed_frame:
            assert aead is not None
            frame = bytes(pending[:sealed_frame])
            del pending[:sealed_frame]
            yield _decrypt(aead, header, counter, frame, final=False)
            counter += 1
    if header is None or aead is None or len(pending) < TAG_BYTES:
        raise BackupCorruptError("the stored backup is cut short")
    last = _decrypt(aead, header, counter, bytes(pending), final=True)
    expected = sha256.lower() if _HEX64.fullmatch(sha256) else ""
    if not hmac.compare_digest(digest.hexdigest(), expected):
        raise BackupCorruptError(
            "the stored backup's SHA-256 does not match the one recorded when it was written"
        )
    yield last


def _decrypt(aead: AESGCM, header: bytes, counter: int, frame: bytes, *, final: bool) -> bytes:
    prefix = header[len(MAGIC) + SALT_BYTES :]
    try:
        return aead.decrypt(_nonce(prefix, counter), frame, _aad(header, counter, final))
    except InvalidTag:
        raise BackupCorruptError(
            f"the stored backup fails its authentication at frame {counter}: it was altered, "
            "cut short, reordered or sealed with another key"
        ) from None
