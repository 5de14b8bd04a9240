"""The wait-for-CI process manager: asks the provider about each pushed commit waiting for
its checks, and ends the wait once (issue 14).

Level-triggered. Every tick it reads the commits waiting (the dashboard's
``commit_checks``). Of several waiting for the same service, environment and branch, only
the newest push counts: the older ones end as superseded. The newest is polled through the
provider port, with a growing delay between polls (and at once when the connection's
webhook delivers a ``check_suite``, ``check_run`` or ``status`` event, or GitLab's
``Pipeline Hook``: the delivery is recorded as ignored, and its arrival is the nudge).

- ``success``: the wait ends as passed and the deployment is requested in the same command
  (its id derived from the delivery: a repeat requests nothing).
- ``none`` (the commit has no checks at all): right after a push, CI may not have
  registered its checks yet, so ``none`` counts as "not yet" for ``no_checks_grace`` after
  the push; after that the commit deploys (a repository without CI still deploys).
- ``failure``: the wait ends as failed; nothing deploys.
- ``pending``, or the provider away: polled again later; after ``timeout`` the wait ends
  as given up (recorded), nothing deploys.
- the provider refuses (token, access): the wait ends as given up with its reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.git_providers import (
    ChecksVerdict,
    GitProviderApis,
    ProviderAccessError,
    ProviderUnavailableError,
)
from application.ports import Clock
from application.processes.providers import Backoff, open_provider
from application.queries import Queries
from application.readmodels import CommitChecksRow, DashboardQueries
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:commit-checks")
CHECK_EVENTS = frozenset({"check_suite", "check_run", "status", "Pipeline Hook"})
"""Provider events that say a commit's checks moved: the waiting commits are asked at once."""


class CommitChecksProcess:
    """Ends each wait for CI once: passed (deploys), failed, gave up or superseded."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        queries: Queries,
        providers: GitProviderApis,
        clock: Clock,
        timeout: timedelta = timedelta(hours=1),
        no_checks_grace: timedelta = timedelta(minutes=2),
        backoff: Backoff | None = None,
        wait_for: Callable[[int], None] = lambda _position: None,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.queries = queries
        self.providers = providers
        self.clock = clock
        self.timeout = timeout
        self.no_checks_grace = no_checks_grace
        self.backoff = backoff or Backoff(cap=timedelta(minutes=1))
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)
        self._heard: dict[UUID, set[UUID]] = {}

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the wait-for-CI process's tick failed")
            wait(1.0)

    def tick(self) -> int:
        """Supersede older waits, ask about the newest ones due; how many waits ended."""
        newest: dict[tuple[UUID, UUID, str], CommitChecksRow] = {}
        ended = 0
        for row in self.dashboard.commits_waiting_for_checks():  # oldest push first
            key = (row.service_id, row.environment_id, row.branch)
            older = newest.get(key)
            newest[key] = row
            if older is not None:
                summary = f"a newer push to {row.branch!r} ({row.commit[:12]}) came first"
                ended += self._end(older, "superseded", summary, superseded_by=row.id)
        nudged = self._nudged({row.connection_id for row in newest.values()})
        now = self.clock.now()
        for row in newest.values():
            if not self.backoff.due(row.connection_id, now):
                continue  # its provider is away: one call per delay, not one per commit
            if row.connection_id in nudged or self.backoff.due(row.id, now):
                ended += self.poll(row)
        return ended

    def poll(self, row: CommitChecksRow) -> int:
        """Ask the provider about one waiting commit (the unit the tests drive); 1 when the
        wait ended."""
        now = self.clock.now()
        waited = now - row.waiting_since
        try:
            api = open_provider(self.queries, self.providers, row.connection_id)
            verdict = api.checks(row.repository, row.commit, ignore_context=row.context)
        except ProviderAccessError as e:
            return self._end(row, "gave_up", f"the provider refused: {e.reason}")
        except UnavailableError as e:
            if waited >= self.timeout:
                return self._end(row, "gave_up", f"no verdict in time: {e}")
            self.backoff.failed(row.id, now)
            if isinstance(e, ProviderUnavailableError):
                self.backoff.failed(row.connection_id, now)
            return 0
        self.backoff.clear(row.connection_id)
        ending = self._outcome(verdict, waited)
        if ending is not None:
            return self._end(row, *ending)
        self.backoff.failed(row.id, now)
        return 0

    def _outcome(self, verdict: ChecksVerdict, waited: timedelta) -> tuple[str, str] | None:
        """How a verdict ends a wait that lasted ``waited`` so far (None: it goes on)."""
        if verdict.state == "success":
            return "passed", f"checks passed: {verdict.summary}"
        if verdict.state == "failure":
            return "failed", f"checks failed: {verdict.summary}"
        if verdict.state == "none" and waited >= self.no_checks_grace:
            minutes = int(self.no_checks_grace.total_seconds() // 60)
            return "passed", f"the commit has no checks at the provider after {minutes} min"
        if waited >= self.timeout:
            minutes = int(self.timeout.total_seconds() // 60)
            return "gave_up", f"the checks did not finish within {minutes} min: {verdict.summary}"
        return None

    def _nudged(self, connections: set[UUID]) -> set[UUID]:
        """The connections whose webhook delivered a checks event since the last look."""
        nudged = set()
        for connection_id in connections:
            recent = {
                d.id
                for d in self.dashboard.webhook_deliveries(connection_id, limit=20)
                if d.event in CHECK_EVENTS
            }
            heard = self._heard.setdefault(connection_id, set())
            if recent - heard:
                nudged.add(connection_id)
            self._heard[connection_id] = recent
        for gone in set(self._heard) - connections:
            del self._heard[gone]
        return nudged

    def _end(
        self, row: CommitChecksRow, outcome: str, summary: str, *, superseded_by: UUID | None = None
    ) -> int:
        self.backoff.clear(row.id)
        command = c.EndCommitChecks(
            checks_id=row.id,
            outcome=outcome,  # type: ignore[arg-type]  # one of the four, written above
            summary=summary,
            superseded_by=superseded_by,
        )
        try:
            result = self.bus.execute(command, self._ctx)
        except UnavailableError:
            raise  # tried again next tick
        except (DomainError, ApplicationError) as e:
            log.warning("the wait of commit %s could not end: %s", row.commit[:12], e)
            return 0
        if result.position is not None:
            self._wait_for(result.position)
        log.info("commit %s of %s: %s (%s)", row.commit[:12], row.repository, outcome, summary)
        return 1 if result.position is not None else 0
