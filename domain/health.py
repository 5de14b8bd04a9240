"""Replica health over time (issue 17): a probe's thresholds and the restart backoff of a
replica that keeps dying, as Kubernetes defines them. Pure: the caller passes the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from domain.service_spec import HealthCheck, ServiceSpec

FIRST_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(minutes=5)
BACKOFF_RESET = timedelta(minutes=10)
"""A replica that ran this long since its last start has its backoff forgotten."""
CRASH_LOOP_AFTER = 3
"""Deaths within the backoff's memory that make a replica crash looping."""
RECOVERED_AFTER = timedelta(seconds=60)
"""A crash-looping replica that stays up this long is recorded as running again."""


class ProbeRole(Enum):
    """What a probe decides: traffic (readiness), restarts (liveness), or holding both
    until the app has started (startup)."""

    STARTUP = "startup"
    READINESS = "readiness"
    LIVENESS = "liveness"


def probes_of(spec: ServiceSpec) -> dict[ProbeRole, HealthCheck]:
    """The probes a release's spec configures, by role (the health check is readiness)."""
    found = {
        ProbeRole.STARTUP: spec.startup_check,
        ProbeRole.READINESS: spec.health_check,
        ProbeRole.LIVENESS: spec.liveness_check,
    }
    return {role: check for role, check in found.items() if check is not None}


@dataclass
class ProbeTracker:
    """One probe of one container: when it is due, and its verdict from consecutive results.

    The verdict starts undecided (None); ``retries`` failures in a row make it failing,
    ``success_threshold`` successes in a row make it passing. No probe runs before the
    start period has passed since the container started.
    """

    check: HealthCheck
    started_at: datetime
    passing: bool | None = None
    successes: int = 0
    failures: int = 0
    last_probe: datetime | None = None
    detail: str = ""

    def due(self, now: datetime) -> bool:
        """Whether the next probe should run now."""
        if now < self.started_at + timedelta(seconds=self.check.grace_period_seconds):
            return False
        return self.last_probe is None or now - self.last_probe >= timedelta(
            seconds=self.check.interval_seconds
        )

    def observe(self, ok: bool, detail: str, now: datetime) -> bool:
        """Count one result; True when it changed the verdict."""
        self.last_probe = now
        self.detail = detail
        if ok:
            self.successes, self.failures = self.successes + 1, 0
            verdict = True if self.successes >= self.check.success_threshold else self.passing
        else:
            self.successes, self.failures = 0, self.failures + 1
            verdict = False if self.failures >= self.check.retries else self.passing
        changed = verdict is not None and verdict != self.passing
        self.passing = verdict
        return changed


def backoff_delay(deaths: int) -> timedelta:
    """How long a replica waits before its restart after its ``deaths``-th death in a row:
    the first restart at once, then 10 s doubling to 5 minutes."""
    if deaths <= 1:
        return timedelta(0)
    delay: timedelta = FIRST_BACKOFF * 2 ** min(deaths - 2, 16)
    return min(delay, MAX_BACKOFF)


@dataclass
class RestartBackoff:
    """The deaths of one replica and when it may be started again."""

    deaths: int = 0
    restart_at: datetime | None = None
    started_at: datetime | None = None
    seen: set[str] = field(default_factory=set)
    """The dead containers already counted (each is seen on every look until replaced)."""

    @classmethod
    def resumed(cls, deaths: int, since: datetime) -> RestartBackoff:
        """A crash loop an earlier leader recorded, taken up where its record leaves it: the
        deaths it counted, and no restart before the backoff its last recorded death earned
        (a new leader does not restart a looping replica at once, nor count from zero)."""
        return cls(deaths=deaths, restart_at=since + backoff_delay(deaths))

    def died(self, container: str, now: datetime) -> bool:
        """Count the death of ``container`` once; True when it is a new death."""
        if container in self.seen:
            return False
        self.seen.add(container)
        if self.started_at is not None and now - self.started_at >= BACKOFF_RESET:
            self.deaths = 0  # it ran long enough: this is a new story
        self.deaths += 1
        self.restart_at = now + backoff_delay(self.deaths)
        return True

    @property
    def crash_looping(self) -> bool:
        """It died often enough, without running long in between, to be crash looping."""
        return self.deaths >= CRASH_LOOP_AFTER

    def may_restart(self, now: datetime) -> bool:
        """Its backoff has passed."""
        return self.restart_at is None or now >= self.restart_at

    def restarted(self, now: datetime) -> None:
        """A replacement started now."""
        self.started_at = now
        self.restart_at = None

    def running(self, now: datetime) -> timedelta:
        """How long it has run since its last restart (or since first seen running)."""
        if self.started_at is None:
            self.started_at = now
        if now - self.started_at >= BACKOFF_RESET:
            self.deaths = 0
            self.seen.clear()
        return now - self.started_at
