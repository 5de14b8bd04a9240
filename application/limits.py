"""Abuse limits: how often anyone may try to sign up or log in, and the bounded pool that
gives password hashing a memory ceiling (issue 11)."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import msgspec

from application.errors import ApplicationError
from application.ports import PasswordHasher
from application.secrets import Secret
from application.settings import Settings

BUSY = "the server is busy, try again in a moment"
SIGNUP_BY_CLIENT = "too many sign-up attempts from your address; try again in {when}"
SIGNUP_BY_ALL = "too many sign-ups on this server right now; try again in {when}"
LOGIN_BY_CLIENT = "too many login attempts; try again in {when}"
LOGIN_BY_ALL = "too many logins on this server right now; try again in {when}"


def wait_phrase(seconds: int) -> str:
    """A wait, as a person would say it."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


class RateLimitedError(ApplicationError):
    """Raised when a client has tried too often, or the server is too busy to hash a
    password now; the caller should wait and try again."""

    code = "RATE_LIMITED"


class Limit(msgspec.Struct, frozen=True):
    """At most ``count`` attempts in each window of ``seconds``."""

    count: int
    seconds: int


class AuthPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Who may sign up, and how often anyone may try to sign up or log in."""

    signup: Literal["invite", "open"] = "invite"
    signup_per_client: Limit = Limit(5, 600)
    signup_global: Limit = Limit(30, 60)
    login_per_email: Limit = Limit(10, 60)
    login_per_client: Limit = Limit(30, 60)
    login_global: Limit = Limit(300, 60)

    @classmethod
    def of(cls, settings: Settings) -> AuthPolicy:
        """The policy the settings describe."""
        return cls(
            signup="open" if settings.signup == "open" else "invite",
            signup_per_client=Limit(settings.signup_limit_per_client, 600),
            signup_global=Limit(settings.signup_limit_global, 60),
            login_per_email=Limit(settings.login_limit_per_email, 60),
            login_per_client=Limit(settings.login_limit_per_client, 60),
            login_global=Limit(settings.login_limit_global, 60),
        )


class BoundedHasher:
    """Password hashing with a memory ceiling: at most ``concurrency`` hashes or checks run
    at once (argon2id takes 64 MiB each), at most ``queue`` callers wait for a turn, and
    anyone beyond is told at once that the server is busy (RATE_LIMITED)."""

    def __init__(
        self, inner: PasswordHasher, *, concurrency: int, queue: int, patience: float = 30.0
    ) -> None:
        self._inner = inner
        self._slots = threading.BoundedSemaphore(concurrency)
        self._queue = queue
        self._patience = patience
        self._lock = threading.Lock()
        self.waiting = 0
        """Callers waiting for a turn right now."""

    def hash(self, password: Secret) -> Secret:
        """A salted, slow hash of the password, when a turn comes."""
        with self._turn():
            return self._inner.hash(password)

    def verify(self, hashed: Secret, password: Secret) -> bool:
        """Whether ``password`` matches ``hashed``, when a turn comes."""
        with self._turn():
            return self._inner.verify(hashed, password)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            with self._lock:
                if self.waiting >= self._queue:
                    raise RateLimitedError(BUSY)
                self.waiting += 1
            try:
                got = self._slots.acquire(timeout=self._patience)
            finally:
                with self._lock:
                    self.waiting -= 1
            if not got:
                raise RateLimitedError(BUSY)
        try:
            yield
        finally:
            self._slots.release()
