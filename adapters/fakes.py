"""In-memory fakes of the ports, for tests; each passes its port's contract suite."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.errors import SecretUnavailableError
from application.secrets import Secret
from domain.values import SealedValue


class FakeClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The fake current time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._now += delta


class InMemorySecretBox:
    """A SecretBox that keeps keys in a dict; sealed values are opaque tokens, not ciphertext.

    The plaintext lives only in this object's memory, never in the sealed string, so
    tests that inspect events still prove no plaintext reaches the event store.
    """

    def __init__(self) -> None:
        self._keys: dict[UUID, dict[str, str]] = {}
        self._destroyed: set[UUID] = set()
        self._lock = threading.Lock()
        self._counter = 0

    def seal(self, organization_id: UUID, context: str, value: Secret) -> SealedValue:
        """Remember the value under a fresh token."""
        with self._lock:
            if organization_id in self._destroyed:
                raise SecretUnavailableError(f"the data key of {organization_id} was destroyed")
            self._counter += 1
            token = f"fake-{self._counter}"
            self._keys.setdefault(organization_id, {})[token] = json.dumps(
                [context, value.reveal()]
            )
        return SealedValue("v1:" + base64.urlsafe_b64encode(token.encode()).decode())

    def open(self, organization_id: UUID, context: str, sealed: SealedValue) -> Secret:
        """The value behind a token, if its organisation's key still exists."""
        if organization_id in self._destroyed:
            raise SecretUnavailableError(
                f"the data key of organisation {organization_id} was destroyed; values sealed "
                "with it can no longer be read"
            )
        token = base64.urlsafe_b64decode(sealed.removeprefix("v1:")).decode()
        stored = self._keys.get(organization_id, {}).get(token)
        if stored is None:
            raise SecretUnavailableError("a sealed value could not be opened with this key")
        sealed_context, value = json.loads(stored)
        if sealed_context != context:
            raise SecretUnavailableError("a sealed value could not be opened in this context")
        return Secret(value)

    def destroy_key(self, organization_id: UUID) -> None:
        """Forget every value of the organisation."""
        with self._lock:
            self._keys.pop(organization_id, None)
            self._destroyed.add(organization_id)

    def file_key(self, organization_id: UUID, context: str) -> bytes:
        """A key that depends on the organisation and context (and dies with the org's key)."""
        with self._lock:
            if organization_id in self._destroyed:
                raise SecretUnavailableError(f"the data key of {organization_id} was destroyed")
            self._keys.setdefault(organization_id, {})
        seed = b"fake-file-key\0" + organization_id.bytes + context.encode()
        return hashlib.sha256(seed).digest()


class FakePasswordHasher:
    """A fast, salted, insecure PasswordHasher that counts its work; ``hold()`` makes every
    call wait inside the hasher until ``let_go()``, to see how many run at once."""

    def __init__(self) -> None:
        self.hashes = 0
        self.checks = 0
        self.running = 0
        self.peak = 0
        self._open = threading.Event()
        self._open.set()
        self._changed = threading.Condition()

    def hash(self, password: Secret) -> Secret:
        """``fake$<salt>$<digest>``."""
        salt = os.urandom(8).hex()
        with self._working():
            self.hashes += 1
            return Secret(f"fake${salt}${_digest(salt, password)}")

    def verify(self, hashed: Secret, password: Secret) -> bool:
        """Whether the password matches a hash this fake made."""
        with self._working():
            self.checks += 1
            _, salt, digest = [*hashed.reveal().split("$"), "", ""][:3]
            return hmac.compare_digest(digest, _digest(salt, password))

    def hold(self) -> None:
        """From now on, calls wait inside the hasher."""
        self._open.clear()

    def let_go(self) -> None:
        """Let waiting and future calls finish."""
        self._open.set()

    def wait_running(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` calls are inside the hasher at once; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.running >= count, timeout)

    @contextmanager
    def _working(self) -> Iterator[None]:
        with self._changed:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self._changed.notify_all()
        try:
            self._open.wait(30)
            yield
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify_all()


def _digest(salt: str, password: Secret) -> str:
    return hashlib.sha256(f"{salt}:{password.reveal()}".encode()).hexdigest()
