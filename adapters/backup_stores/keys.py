"""Checks on the keys backups are stored under (shared by the stores)."""

from __future__ import annotations

import re

from application.backup_ports import BackupStoreError

MAX_KEY_LENGTH = 512
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def check_key(key: str) -> str:
    """``key`` if it is a relative path of plain segments (no ``..``, no leading dot)."""
    segments = key.split("/")
    if not key or len(key) > MAX_KEY_LENGTH or not all(_SEGMENT.match(s) for s in segments):
        raise BackupStoreError(
            f"{key[:80]!r} is not a backup key: use a relative path of letters, digits, "
            "'.', '-' and '_' segments, each starting with a letter or digit"
        )
    return key
