"""Accounts infrastructure: argon2 hashing, JWT signing, sessions, and rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import argon2
import jwt
import redis
from psycopg_pool import ConnectionPool

from application.errors import UnavailableError
from application.ports import InvalidTokenError
from application.secrets import Secret


class Argon2Hasher:
    """argon2id password hashes (the library's recommended parameters by default)."""

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536) -> None:
        self._hasher = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)

    def hash(self, password: Secret) -> Secret:
        """A salted argon2id hash."""
        return Secret(self._hasher.hash(password.reveal()))

    def verify(self, hashed: Secret, password: Secret) -> bool:
        """Whether the password matches."""
        try:
            return bool(self._hasher.verify(hashed.reveal(), password.reveal()))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False


def derive_signing_key(master_key: bytes, version: int) -> bytes:
    """The JWT signing key of ``version``, derived from the master key (rotate by version)."""
    return hmac.new(
        master_key, f"containr-jwt-signing-key-v{version}".encode(), hashlib.sha256
    ).digest()


class JwtSigner:
    """HS256 JSON Web Tokens with a key id, accepting the current and the previous key."""

    def __init__(self, master_key: bytes, version: int = 1, issuer: str = "containr") -> None:
        self._version = version
        self._issuer = issuer
        self._keys = {
            str(v): derive_signing_key(master_key, v) for v in (version, version - 1) if v > 0
        }

    def issue(self, claims: dict[str, object], ttl_seconds: int) -> str:
        """A signed token that expires after ``ttl_seconds``."""
        now = int(time.time())
        payload = {**claims, "iat": now, "exp": now + ttl_seconds, "iss": self._issuer}
        return jwt.encode(
            payload,
            self._keys[str(self._version)],
            algorithm="HS256",
            headers={"kid": str(self._version)},
        )

    def verify(self, token: str) -> dict[str, object]:
        """The claims of a valid token, or InvalidTokenError saying what is wrong."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(str(kid))
            if key is None:
                raise InvalidTokenError("the token was signed with a key that is no longer valid")
            claims: dict[str, object] = jwt.decode(
                token,
                key,
                algorithms=["HS256"],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("the access token has expired; refresh it") from None
        except jwt.InvalidTokenError:
            raise InvalidTokenError("the access token is not valid") from None
        return claims


class PostgresSessionStore:
    """Sessions in the ``containr_sessions`` table."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(
        self,
        session_id: UUID,
        user_id: UUID,
        token_hash: str,
        expires_at: datetime,
        method: str = "password",
    ) -> None:
        """Start a session."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO containr_sessions (session_id, user_id, token_hash, expires_at, "
                "method) VALUES (%s, %s, %s, %s, %s)",
                (session_id, user_id, token_hash, expires_at, method),
            )

    def rotate(
        self, token_hash: str, new_hash: str, now: datetime, expires_at: datetime
    ) -> tuple[UUID, UUID, str] | None:
        """Swap the refresh token, or revoke the session on reuse of an old one."""
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "UPDATE containr_sessions SET previous_hashes = right(previous_hashes || ' ' || "
                "token_hash, 2000), token_hash = %s, expires_at = %s WHERE token_hash = %s AND "
                "revoked_at IS NULL AND expires_at > %s RETURNING session_id, user_id, method",
                (new_hash, expires_at, token_hash, now),
            ).fetchone()
            if row is not None:
                return row[0], row[1], row[2]
            conn.execute(
                "UPDATE containr_sessions SET revoked_at = %s WHERE revoked_at IS NULL AND "
                "position(%s in previous_hashes) > 0",
                (now, token_hash),
            )
            return None

    def revoke(self, session_id: UUID) -> None:
        """End a session."""
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE containr_sessions SET revoked_at = now() WHERE session_id = %s "
                "AND revoked_at IS NULL",
                (session_id,),
            )

    def is_active(self, session_id: UUID, now: datetime) -> bool:
        """Not revoked and not expired."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM containr_sessions WHERE session_id = %s AND revoked_at IS NULL "
                "AND expires_at > %s",
                (session_id, now),
            ).fetchone()
        return row is not None


class SqliteSessionStore:
    """Sessions in the embedded database file."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def create(
        self,
        session_id: UUID,
        user_id: UUID,
        token_hash: str,
        expires_at: datetime,
        method: str = "password",
    ) -> None:
        """Start a session."""
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT INTO containr_sessions (session_id, user_id, token_hash, expires_at, "
                "method) VALUES (?, ?, ?, ?, ?)",
                (str(session_id), str(user_id), token_hash, _iso(expires_at), method),
            )

    def rotate(
        self, token_hash: str, new_hash: str, now: datetime, expires_at: datetime
    ) -> tuple[UUID, UUID, str] | None:
        """Swap the refresh token, or revoke the session on reuse of an old one."""
        with closing(self._connect()) as conn, conn:
            row = conn.execute(
                "UPDATE containr_sessions SET previous_hashes = substr(previous_hashes || ' ' || "
                "token_hash, -2000), token_hash = ?, expires_at = ? WHERE token_hash = ? AND "
                "revoked_at IS NULL AND expires_at > ? RETURNING session_id, user_id, method",
                (new_hash, _iso(expires_at), token_hash, _iso(now)),
            ).fetchone()
            if row is not None:
                return UUID(row[0]), UUID(row[1]), str(row[2])
            conn.execute(
                "UPDATE containr_sessions SET revoked_at = ? WHERE revoked_at IS NULL AND "
                "instr(previous_hashes, ?) > 0",
                (_iso(now), token_hash),
            )
            return None

    def revoke(self, session_id: UUID) -> None:
        """End a session."""
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "UPDATE containr_sessions SET revoked_at = ? WHERE session_id = ? "
                "AND revoked_at IS NULL",
                (_iso(datetime.now(UTC)), str(session_id)),
            )

    def is_active(self, session_id: UUID, now: datetime) -> bool:
        """Not revoked and not expired."""
        with closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT 1 FROM containr_sessions WHERE session_id = ? AND revoked_at IS NULL "
                "AND expires_at > ?",
                (str(session_id), _iso(now)),
            ).fetchone()
        return row is not None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class InProcessRateLimiter:
    """Sliding-window logs in this process (the embedded setup has one process).

    Per key, the times of the attempts let through within the last window, at most
    ``limit`` of them: an attempt goes ahead while fewer than ``limit`` did in the window
    before it. Unlike fixed windows, a burst split across a window's boundary cannot get
    twice the limit through."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._logs: dict[tuple[str, int], deque[float]] = {}
        self._lock = threading.Lock()

    def attempt(self, key: str, limit: int, window_seconds: int) -> int:
        """Count an attempt: 0 within the limit, else the seconds until one is allowed."""
        now = self._now()
        with self._lock:
            log = self._logs.get((key, window_seconds))
            if log is None or log.maxlen != limit:
                log = self._logs[key, window_seconds] = deque(log or (), maxlen=limit)
            while log and log[0] <= now - window_seconds:
                log.popleft()
            if len(log) < limit:
                log.append(now)
                if len(self._logs) > 100_000:
                    self._forget(now)
                return 0
            return _wait_until(log[0] + window_seconds, now)

    def _forget(self, now: float) -> None:
        """Drop the logs whose attempts are all older than their window."""
        self._logs = {
            (key, seconds): log
            for (key, seconds), log in self._logs.items()
            if log and log[-1] > now - seconds
        }


# KEYS[1]: the key's log (a sorted set of attempt times); ARGV: now, window, limit, a unique
# member. Atomic in Redis: prune what left the window, then let the attempt through and log
# it only while fewer than the limit are logged. The wait is returned as text (Redis turns a
# Lua number into an integer).
_SLIDING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""


class RedisRateLimiter:
    """Sliding-window logs in Redis (one small sorted set per key, at most ``limit``
    members), shared by every API replica; see InProcessRateLimiter for the rule."""

    def __init__(self, url: str, prefix: str, now: Callable[[], float] = time.time) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix
        self._now = now
        self._script = self._redis.register_script(_SLIDING_WINDOW)

    def attempt(self, key: str, limit: int, window_seconds: int) -> int:
        """Count an attempt: 0 within the limit, else the seconds until one is allowed."""
        now = self._now()
        name = f"{self._prefix}:{key}:{window_seconds}"
        try:
            wait = self._script(keys=[name], args=[repr(now), window_seconds, limit, uuid4().hex])
        except redis.RedisError as e:
            # Neither let everyone through nor hang: the caller gets a coded answer at once.
            raise UnavailableError(
                f"the rate limiter's Redis does not answer ({type(e).__name__}); try again"
            ) from None
        left = float(wait)
        return 0 if left == 0 else _wait_until(now + left, now)

    def close(self) -> None:
        """Release the connection pool."""
        self._redis.close()


def _wait_until(moment: float, now: float) -> int:
    """Whole seconds from ``now`` until ``moment``, at least one."""
    return max(1, math.ceil(moment - now))
