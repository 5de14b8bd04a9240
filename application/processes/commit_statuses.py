"""The commit status process manager: reports each pushed deployment's progress on its
commit at the git provider (issue 14).

Level-triggered like the deployer. Every tick it reads the pushed deployments with reports
still to make (the dashboard's ``commit_statuses``, filled when a push or a passed wait for
CI requested a deployment) and the deployments' state histories. The reports a history
calls for are a pure function of it (``domain.commit_status.reports_for``): pending,
running, then success, failure or canceled. Each report is made through the provider port,
then recorded as the deployment's next numbered report (``RecordCommitStatus``); the
aggregate accepts each number once.

Why recorded progress per deployment, not a tracking position over the event log: a
position would make one deployment whose provider is down hold back every report after it;
per-deployment progress lets each be retried (with backoff) on its own. Before a report is
made, the recorded progress is read from the event store (not the read model, which may lag
behind the last record): a report is never made again once it was recorded. A crash between
the provider's answer and the record makes the next leader send that same report once more:
the provider keeps one status per context, so the repeat replaces the status with an
identical one, and the recorded reports stay one per transition. (The port cannot read a
commit's statuses back to tell whether the first attempt arrived.)

A provider that does not answer is tried again with a growing delay per deployment and per
connection (a provider that is down costs one call per delay, whatever the number of its
deployments), never holding up the other connections' deployments, and given up
(recorded) after ``give_up_after``. A provider that
refuses (bad token, no access to the repository) stops the deployment's reports at once,
recorded with the provider's reason and logged once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ApplicationError, DomainError, UnavailableError
from application.git_providers import (
    CommitState,
    GitProviderApis,
    ProviderAccessError,
    ProviderUnavailableError,
)
from application.ports import Clock
from application.processes.providers import Backoff, open_provider
from application.queries import Queries
from application.readmodels import CommitStatusRow, DashboardQueries, DeploymentRow
from domain.commit_status import describe, reports_for
from domain.ids import Actor

log = logging.getLogger(__name__)
ACTOR = Actor("system:commit-statuses")


def deployment_link(base_url: str | None, row: CommitStatusRow) -> str | None:
    """Where the dashboard shows a deployment (None when the public address is unknown)."""
    if not base_url:
        return None
    return (
        f"{base_url.rstrip('/')}/projects/{row.project_id}/services/{row.service_id}"
        f"/deployments?deployment={row.deployment_id}"
    )


class CommitStatusProcess:
    """Reports pushed deployments' progress on their commits, each report once."""

    def __init__(
        self,
        *,
        bus: CommandBus,
        dashboard: DashboardQueries,
        queries: Queries,
        providers: GitProviderApis,
        clock: Clock,
        public_url: str | None = None,
        give_up_after: timedelta = timedelta(hours=24),
        backoff: Backoff | None = None,
        wait_for: Callable[[int], None] = lambda _position: None,
    ) -> None:
        self.bus = bus
        self.dashboard = dashboard
        self.queries = queries
        self.providers = providers
        self.clock = clock
        self.public_url = public_url
        self.give_up_after = give_up_after
        self.backoff = backoff or Backoff()
        self._wait_for = wait_for
        self._ctx = Context(actor=ACTOR)

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Tick until ``stop`` is set; ``wait`` blocks until something may have changed."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the commit status process's tick failed")
            wait(1.0)

    def tick(self) -> int:
        """Make every report due now; how many reached the provider."""
        rows = self.dashboard.commit_statuses_to_report()
        if not rows:
            return 0
        deployments = {
            d.id: d for d in self.dashboard.deployments_by_id([r.deployment_id for r in rows])
        }
        made = 0
        now = self.clock.now()
        for row in rows:
            deployment = deployments.get(row.deployment_id)
            if deployment is None or not self.backoff.due(row.deployment_id, now):
                continue
            if not self.backoff.due(row.connection_id, now):
                continue  # its provider is away: one call per delay, not one per deployment
            made += self._guarded(row, deployment)
        return made

    def _guarded(self, row: CommitStatusRow, deployment: DeploymentRow) -> int:
        """Report one deployment; a provider away is retried later, on its own."""
        made = [0]
        try:
            self.report(row, deployment, made)
        except ProviderAccessError as e:
            log.warning(
                "commit statuses of deployment %s stop: the provider refused (%s)",
                row.deployment_id,
                e.reason,
            )
            self._stop(row, f"the provider refused: {e.reason}")
        except UnavailableError as e:
            now = self.clock.now()
            if now - max(row.updated_at, deployment.updated_at) >= self.give_up_after:
                self._stop(row, f"the provider could not be reached: {e}")
                return made[0]
            first = not self.backoff.failing(row.deployment_id)
            delay = self.backoff.failed(row.deployment_id, now)
            if isinstance(e, ProviderUnavailableError):
                self.backoff.failed(row.connection_id, now)
            if first:
                log.warning(
                    "commit status of deployment %s not reported (%s); trying again in %ss",
                    row.deployment_id,
                    e,
                    int(delay.total_seconds()),
                )
        except (DomainError, ApplicationError) as e:
            log.warning("commit status of deployment %s not reported: %s", row.deployment_id, e)
        else:
            self.backoff.clear(row.deployment_id)
            self.backoff.clear(row.connection_id)
        return made[0]

    def report(self, row: CommitStatusRow, deployment: DeploymentRow, made: list[int]) -> None:
        """Make the deployment's reports not recorded yet, in order (the unit tests drive)."""
        wanted = reports_for(change["state"] for change in deployment.history)
        recorded = self.queries.commit_status(row.deployment_id)
        if recorded is not None and recorded.stopped is not None:
            return
        done = len(recorded.reported) if recorded is not None else 0
        if done >= len(wanted):
            return
        api = open_provider(self.queries, self.providers, row.connection_id)
        for number in range(done + 1, len(wanted) + 1):
            state = wanted[number - 1]
            description = describe(state, deployment.reason)
            api.set_commit_status(
                row.repository,
                row.commit,
                CommitState(state),
                context=row.context,
                description=description,
                target_url=deployment_link(self.public_url, row),
            )
            self._send(
                c.RecordCommitStatus(
                    deployment_id=row.deployment_id,
                    connection_id=row.connection_id,
                    repository=row.repository,
                    commit=row.commit,
                    context=row.context,
                    number=number,
                    state=state,
                    description=description,
                )
            )
            made[0] += 1

    def _stop(self, row: CommitStatusRow, reason: str) -> None:
        self.backoff.clear(row.deployment_id)
        self._send(
            c.StopCommitStatuses(
                deployment_id=row.deployment_id,
                connection_id=row.connection_id,
                repository=row.repository,
                commit=row.commit,
                context=row.context,
                reason=reason,
            )
        )

    def _send(self, command: c.Command) -> None:
        result = self.bus.execute(command, self._ctx)
        if result.position is not None:
            self._wait_for(result.position)
