"""A backup destination that is a directory on the node.

Objects are written to a hidden temporary name in their final directory, flushed to disk
(fsync), then renamed: the name only ever shows a complete object, and a crash mid-put
leaves at most a hidden ``.<name>.<random>.tmp`` file, never the object. Directories are
made with mode 0700 and files with 0600. Local files need no deadline: ``timeout`` is
accepted for the port's sake.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from adapters.backup_stores.keys import check_key
from adapters.backup_stores.sealing import Digest, open_stream, seal_stream
from application.backup_ports import (
    BackupNotFoundError,
    BackupStoreError,
    StoredBackup,
)

READ_BYTES = 1024 * 1024


def _refused(text: str) -> BackupStoreError:
    error = BackupStoreError(text)
    error.field = "path"
    return error


def _reason(e: OSError) -> str:
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.EROFS:
        return "the file system is read-only"
    if e.errno == errno.ENOSPC:
        return "no space left on the device"
    if e.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a directory"
    return e.strerror or type(e).__name__


class DirectoryStore:
    """Backups as files under ``root`` (an absolute path on this node)."""

    def __init__(self, root: Path, file_key: bytes) -> None:
        if not root.is_absolute():
            raise BackupStoreError(f"the backup directory must be an absolute path, not {root}")
        self._root = root
        self._key = file_key

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def _make_dirs(self, path: Path) -> None:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            raise _refused(f"the backup directory {path} cannot be created: {_reason(e)}") from None
        if not path.is_dir():
            raise _refused(f"the backup directory {path} is not a directory")

    def put(self, key: str, chunks: Iterable[bytes], *, timeout: float) -> StoredBackup:
        """Encrypt ``chunks`` into a temporary file, fsync it, and rename it to ``key``."""
        target = self._path(key)
        self._make_dirs(target.parent)
        temp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
        digest = Digest()
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as e:
            raise BackupStoreError(f"cannot write in {target.parent}: {_reason(e)}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                for data in seal_stream(self._key, chunks, digest):
                    f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, target)
            _fsync_dir(target.parent)
        except OSError as e:
            temp.unlink(missing_ok=True)
            raise BackupStoreError(f"writing the backup {key} failed: {_reason(e)}") from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return StoredBackup(key=key, size_bytes=digest.size, sha256=digest.hexdigest())

    def get(self, key: str, *, sha256: str, timeout: float) -> Iterator[bytes]:
        """The plain stream of ``key`` (BackupNotFoundError at once if there is none)."""
        path = self._path(key)
        try:
            f = path.open("rb")
        except FileNotFoundError:
            raise BackupNotFoundError(f"there is no backup {key} in {self._root}") from None
        except OSError as e:
            raise BackupStoreError(f"cannot read the backup {key}: {_reason(e)}") from None
        return open_stream(self._key, _read(f), sha256=sha256)

    def delete(self, key: str, *, timeout: float) -> bool:
        """Remove the file; False when there was none."""
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        except OSError as e:
            raise BackupStoreError(f"cannot delete the backup {key}: {_reason(e)}") from None
        return True

    def check_writable(self, *, timeout: float) -> None:
        """Create the directory if missing, then write, fsync and delete a small file."""
        self._make_dirs(self._root)
        probe = self._root / f".containr-check-{uuid.uuid4().hex}"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"containr write check\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            probe.unlink()
        except OSError as e:
            probe.unlink(missing_ok=True)
            raise _refused(
                f"the backup directory {self._root} is not writable: {_reason(e)}"
            ) from None


def _read(f: BinaryIO) -> Iterator[bytes]:
    with f:
        while data := f.read(READ_BYTES):
            yield data


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
