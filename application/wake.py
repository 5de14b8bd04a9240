"""The wake handler's side in the application (issue 16): a sleeping service's route points at
Containr, which holds each request, wakes the service (one replica, through the same scale
path as scaling by hand) and hands the request on once the replica is healthy and in the
route: Railway's sleep, without a dropped first request.

The route names the service with a token, ``<service>.<environment>.<mac>``, an HMAC-SHA256
under a key derived from the master key: only the ingress (whose configuration holds it)
can ask for a wake, and a request sent to Containr directly cannot pass a members-only
route's access check by claiming to be the ingress.

Bounded: each request waits at most ``deadline`` seconds (the start timeout), at most
``max_held`` requests wait at once (more are answered 503 with Retry-After), and many held
requests make one wake.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, ConflictError, DomainError
from application.processes.support import route_id
from application.runtime_ports import Ingress, Prober, Route
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:wake")
WAKE_HEADER: Final = "X-Containr-Wake"
WAKE_PATH: Final = "/_containr/wake"
"""Where the ingress sends a sleeping service's requests (the original URI follows)."""
MAX_HELD: Final = 100
RETRY_AFTER: Final = 5
ASK_AGAIN: Final = 5.0
"""Seconds before a held request asks for the wake again (the first ask may have failed)."""
POLL: Final = 0.1


def derive_wake_key(master_key: bytes) -> bytes:
    """The key wake tokens are signed with: never the master key itself."""
    return hmac.new(master_key, b"containr wake v1", hashlib.sha256).digest()


class WakeTokens:
    """Signs and reads the tokens a sleeping service's route carries."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the wake key must be at least 32 bytes")
        self._key = key

    def token(self, service_id: UUID, environment_id: UUID) -> str:
        """The token for a service's route in an environment."""
        body = f"{service_id}.{environment_id}"
        return f"{body}.{self._mac(body)}"

    def read(self, token: str) -> tuple[UUID, UUID] | None:
        """(service, environment) of a genuine token; None for anything else."""
        body, _, mac = token.rpartition(".")
        if not body or not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        service, _, environment = body.partition(".")
        try:
            return UUID(service), UUID(environment)
        except ValueError:
            return None

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class WakeRefused(Exception):
    """The held request's answer instead of the service's."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class WakeGate:
    """Holds requests for sleeping services until a replica answers."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        tokens: WakeTokens,
        prober: Prober,
        instance: str,
        deadline: float,
        max_held: int = MAX_HELD,
    ) -> None:
        self.bus = bus
        self.tokens = tokens
        self.prober = prober
        self.instance = instance
        self.deadline = deadline
        self.max_held = max_held
        self.ingress: Ingress | None = None
        """Where the routes are read (set when the ingress is known; None: no wake)."""
        self.wakes = 0
        """Wakes this gate asked for (many held requests make one)."""
        self._held = 0
        self._lock = threading.Lock()
        self._asked: dict[UUID, float] = {}
        self._read: tuple[float, list[Route]] | None = None

    @property
    def held(self) -> int:
        """Requests held now."""
        return self._held

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Count one held request for its duration; refused (503) beyond ``max_held``."""
        with self._lock:
            if self._held >= self.max_held:
                raise WakeRefused(
                    503,
                    "UNAVAILABLE",
                    f"{self.max_held} requests already wait for sleeping services; try again",
                    RETRY_AFTER,
                )
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1

    def upstream(self, token: str, *, until: float) -> str:
        """Wake the token's service if it sleeps and wait (to ``until``, monotonic) for a
        healthy replica in its route: that replica's ``host:port``."""
        found = self.tokens.read(token)
        ingress = self.ingress
        if found is None or ingress is None:
            raise WakeRefused(404, "NOT_FOUND", "no sleeping service answers here")
        service_id, environment_id = found
        route = route_id(self.instance, service_id, environment_id)
        while True:
            current = next((r for r in self._routes(ingress) if r.id == route), None)
            if current is None:
                raise WakeRefused(404, "NOT_FOUND", "no sleeping service answers here")
            if current.wake is not None:
                self._ask(service_id)
            else:
                healthy = self._healthy(current, until)
                if healthy is not None:
                    return healthy
            if time.monotonic() + POLL >= until:
                raise WakeRefused(
                    503,
                    "UNAVAILABLE",
                    f"the service did not wake within {self.deadline:g} s; try again",
                    RETRY_AFTER,
                )
            threading.Event().wait(POLL)

    def _routes(self, ingress: Ingress) -> list[Route]:
        """The ingress's routes, read at most once per ``POLL`` however many requests are
        held (they all poll)."""
        with self._lock:
            read = self._read
        if read is not None and time.monotonic() - read[0] < POLL:
            return read[1]
        routes = ingress.routes()
        with self._lock:
            self._read = (time.monotonic(), routes)
        return routes

    def _ask(self, service_id: UUID) -> None:
        """Ask for one replica, once per ``ASK_AGAIN`` seconds per service in this process
        (the command itself is idempotent: a service running replicas is left as it is)."""
        with self._lock:
            last = self._asked.get(service_id)
            now = time.monotonic()
            if last is not None and now - last < ASK_AGAIN:
                return
            self._asked[service_id] = now
        try:
            self.bus.execute(c.WakeService(service_id=service_id), Context(actor=ACTOR))
            self.wakes += 1
        except ConflictError:
            pass  # another process's wake got there first
        except (DomainError, ApplicationError) as e:
            raise WakeRefused(503, "UNAVAILABLE", str(e), RETRY_AFTER) from None

    def _healthy(self, route: Route, until: float) -> str | None:
        """An upstream of the route that passes the route's health check now."""
        for upstream in route.upstreams:
            host, _, port = upstream.rpartition(":")
            timeout = max(0.1, min(2.0, until - time.monotonic()))
            if route.health_path:
                result = self.prober.http(f"http://{upstream}{route.health_path}", timeout=timeout)
            else:
                result = self.prober.tcp(host, int(port), timeout=timeout)
            if result.ok:
                return upstream
        return None
