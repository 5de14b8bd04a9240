"""AES-256-GCM sealing with per-organisation data keys, wrapped by a master key."""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from psycopg_pool import ConnectionPool

from application.errors import SecretUnavailableError
from application.secrets import Secret
from application.settings import Settings, SettingsError
from domain.values import SealedValue

_PREFIX = "v1:"
_NONCE_BYTES = 12
MASTER_KEY_FILE = "master.key"


class _Destroyed:
    """Marks a data key that existed and was destroyed."""

    def __init__(self, when: str) -> None:
        self.when = when


class KeyStore(Protocol):
    """Where wrapped data keys live: outside the event store's payloads, deletable."""

    def load(self, organization_id: UUID) -> bytes | _Destroyed | None:
        """The wrapped key, a _Destroyed marker, or None if the org never had one."""
        ...

    def insert_if_absent(self, organization_id: UUID, wrapped: bytes) -> None:
        """Store a wrapped key unless one (or a destroyed one) is there already."""
        ...

    def destroy(self, organization_id: UUID) -> None:
        """Erase the wrapped key and remember when."""
        ...


class AesGcmSecretBox:
    """The SecretBox: seals with the organisation's data key; the master key wraps data keys."""

    def __init__(self, master_key: bytes, keys: KeyStore) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._master = AESGCM(master_key)
        self._keys = keys

    def seal(self, organization_id: UUID, context: str, value: Secret) -> SealedValue:
        """Encrypt ``value`` with the org's data key, bound to ``context``."""
        key = self._data_key(organization_id, create=True)
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(key).encrypt(
            nonce, value.reveal().encode(), _aad(organization_id, context)
        )
        return SealedValue(_PREFIX + base64.urlsafe_b64encode(nonce + ciphertext).decode())

    def open(self, organization_id: UUID, context: str, sealed: SealedValue) -> Secret:
        """Decrypt a sealed value, or raise SecretUnavailableError saying why it cannot be."""
        if not sealed.startswith(_PREFIX):
            raise SecretUnavailableError("the value is not sealed in a format this version knows")
        key = self._data_key(organization_id, create=False)
        raw = base64.urlsafe_b64decode(sealed[len(_PREFIX) :])
        try:
            plaintext = AESGCM(key).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(organization_id, context)
            )
        except InvalidTag:
            raise SecretUnavailableError(
                "a sealed value could not be opened: it was sealed with another key or altered"
            ) from None
        return Secret(plaintext.decode())

    def destroy_key(self, organization_id: UUID) -> None:
        """Crypto-shred: every value sealed for the organisation becomes unreadable."""
        self._keys.destroy(organization_id)

    def file_key(self, organization_id: UUID, context: str) -> bytes:
        """HKDF-SHA256 of the org's data key, bound to the organisation and ``context``."""
        key = self._data_key(organization_id, create=True)
        return HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"containr-file-key-v1",
            info=_aad(organization_id, context),
        ).derive(key)

    def _data_key(self, organization_id: UUID, *, create: bool) -> bytes:
        wrapped = self._keys.load(organization_id)
        if wrapped is None and create:
            self._keys.insert_if_absent(
                organization_id,
                self._wrap(organization_id, AESGCM.generate_key(bit_length=256)),
            )
            wrapped = self._keys.load(organization_id)  # another process may have won the race
        if isinstance(wrapped, _Destroyed):
            raise SecretUnavailableError(
                f"the data key of organisation {organization_id} was destroyed on {wrapped.when}; "
                "values sealed with it can no longer be read"
            )
        if wrapped is None:
            raise SecretUnavailableError(
                f"organisation {organization_id} has no data key, so it has no readable secrets"
            )
        try:
            return self._master.decrypt(
                wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], organization_id.bytes
            )
        except InvalidTag:
            raise SecretUnavailableError(
                "the organisation's data key cannot be unwrapped: CONTAINR_SECRET_KEY has changed"
            ) from None

    def _wrap(self, organization_id: UUID, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, key, organization_id.bytes)


def _aad(organization_id: UUID, context: str) -> bytes:
    return organization_id.bytes + context.encode()


class PostgresKeyStore:
    """Data keys in the ``containr_data_keys`` table of the settings' schema."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def load(self, organization_id: UUID) -> bytes | _Destroyed | None:
        """The wrapped key of an organisation."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT wrapped_key, destroyed_at FROM containr_data_keys WHERE organization_id=%s",
                (organization_id,),
            ).fetchone()
        if row is None:
            return None
        if row[1] is not None:
            return _Destroyed(row[1].isoformat())
        return bytes(row[0])

    def insert_if_absent(self, organization_id: UUID, wrapped: bytes) -> None:
        """Store a new wrapped key; a concurrent insert wins quietly."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO containr_data_keys (organization_id, wrapped_key, created_at) "
                "VALUES (%s, %s, now()) ON CONFLICT (organization_id) DO NOTHING",
                (organization_id, wrapped),
            )

    def destroy(self, organization_id: UUID) -> None:
        """Overwrite the key with NULL and record when."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO containr_data_keys (organization_id, wrapped_key, created_at, "
                "destroyed_at) VALUES (%s, NULL, now(), now()) ON CONFLICT (organization_id) "
                "DO UPDATE SET wrapped_key = NULL, destroyed_at = now()",
                (organization_id,),
            )


class SqliteKeyStore:
    """Data keys in the embedded database file."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=10)
        conn.execute("PRAGMA secure_delete = ON")  # overwritten keys leave no trace in free pages
        return conn

    def load(self, organization_id: UUID) -> bytes | _Destroyed | None:
        """The wrapped key of an organisation."""
        with closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT wrapped_key, destroyed_at FROM containr_data_keys WHERE organization_id=?",
                (organization_id.hex,),
            ).fetchone()
        if row is None:
            return None
        if row[1] is not None:
            return _Destroyed(row[1])
        return bytes(row[0])

    def insert_if_absent(self, organization_id: UUID, wrapped: bytes) -> None:
        """Store a new wrapped key; a concurrent insert wins quietly."""
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT OR IGNORE INTO containr_data_keys (organization_id, wrapped_key, "
                "created_at) VALUES (?, ?, ?)",
                (organization_id.hex, wrapped, _now()),
            )

    def destroy(self, organization_id: UUID) -> None:
        """Overwrite the key with NULL and record when."""
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT INTO containr_data_keys (organization_id, wrapped_key, created_at, "
                "destroyed_at) VALUES (?, NULL, ?, ?) ON CONFLICT (organization_id) "
                "DO UPDATE SET wrapped_key = NULL, destroyed_at = excluded.destroyed_at",
                (organization_id.hex, _now(), _now()),
            )


def _now() -> str:
    return datetime.now(UTC).isoformat()


def master_key(settings: Settings) -> bytes:
    """The 32-byte master key: from CONTAINR_SECRET_KEY, or the embedded data dir's key file."""
    if settings.secret_key is not None:
        # A long random string is the expected input; SHA-256 turns it into key material.
        return hashlib.sha256(
            b"containr-master-key\0" + settings.secret_key.reveal().encode()
        ).digest()
    if not settings.is_embedded:
        raise SettingsError(
            "CONTAINR_SECRET_KEY: required with CONTAINR_DATABASE_URL, so that every process "
            "shares the master key (e.g. `openssl rand -base64 48`)"
        )
    return _key_file(settings.data_path / MASTER_KEY_FILE)


def _key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SettingsError(
                f"CONTAINR_DATA_DIR: {path} is readable by others (mode {mode:o}); chmod 600 it"
            ) from None
        key = path.read_bytes()
        if len(key) != 32:
            raise SettingsError(f"CONTAINR_DATA_DIR: {path} is not a 32-byte key") from None
        return key
    key = os.urandom(32)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key
