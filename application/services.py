"""What bootstrap hands to the interfaces: the application's services, built once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from application.access import AccessGate
from application.agents import AgentGateway
from application.alert_ports import AlertDelivery
from application.archives import SourceArchives
from application.auth import AuthService
from application.authz import Principal
from application.backup_check import PlanDestinationCheck
from application.backup_destinations import BackupDestinationCheck
from application.backup_ports import BackupStores
from application.bus import CommandBus, CommandResult, Context
from application.changes import ChangeFeed, PositionWaiter
from application.commands import Command, ConnectServiceRepository
from application.database_figures import DatabaseFigures
from application.errors import UnavailableError
from application.eventlog import EventLog
from application.eventstore import EventStore
from application.git_providers import GitProviderApis
from application.git_sources import GitSources
from application.hypervisor_ports import MetricStore
from application.logs import LogStore
from application.metrics_ports import TimeSeriesStore
from application.node_containers import NodeContainers
from application.notifications import NotifierTests
from application.plans import BuildPlans
from application.ports import Clock, EventSignal, SecretBox
from application.projections import ReadModelAdmin, TimeTravel
from application.promotion_check import PromotionCheck
from application.queries import Queries
from application.readgate import Observer
from application.readmodels import AnalyticsQueries, DashboardQueries, HistoryQueries, ReadStore
from application.reads import Reads
from application.repository_check import RepositoryCheck
from application.runtime_ports import CertificateReader
from application.settings import Settings
from application.sign_in import ProviderSignIn
from application.wake import WakeGate
from application.webhook_intake import WebhookIntake

ALL_MODELS = ("dashboard", "history", "analytics")


class NoProviderClientError(UnavailableError):
    """Raised when a git provider's API is needed and this server has no client for it."""


class ReadTimeoutError(TimeoutError):
    """Raised when read models did not catch up with a command's events in time."""


@dataclass(frozen=True)
class Services:
    """Everything an interface (CLI, HTTP, GraphQL, worker) may call."""

    settings: Settings
    store: EventStore
    commands: CommandBus
    auth: AuthService
    queries: Queries
    events: EventLog
    secrets: SecretBox
    clock: Clock
    event_signal: Callable[[], EventSignal]
    read_store: ReadStore
    dashboard: DashboardQueries
    history: HistoryQueries
    analytics: AnalyticsQueries
    projections: ReadModelAdmin
    time_travel: TimeTravel
    changes: ChangeFeed
    run_projections: Callable[[threading.Event], list[threading.Thread]]
    logs: LogStore
    metrics: MetricStore
    plans: BuildPlans
    run_processes: Callable[[threading.Event], list[threading.Thread]]
    """Start the deployment process manager and the reconciler (if an engine answers)."""
    archives: SourceArchives
    """Uploaded source archives (``containr deploy``)."""
    dependencies: dict[str, Callable[[], bool]] = field(default_factory=dict)
    """Outside services this process needs, each with a check that it answers."""
    closers: tuple[Callable[[], None], ...] = field(default=())
    repositories: RepositoryCheck | None = None
    """Checks the git repository a user's command sets before the command is sent."""
    webhooks: WebhookIntake | None = None
    """Verifies and records git providers' webhook deliveries (POST /webhooks/{id})."""
    promotions: PromotionCheck | None = None
    plan_destinations: PlanDestinationCheck | None = None
    """Checks that a backup plan's destination takes a test write before it is recorded."""
    """Checks that a promoted release's image is still on a node before it is recorded."""
    access: AccessGate | None = None
    """Answers the ingress whether a request may reach a members-only environment."""
    git_providers: GitProviderApis | None = None
    """Opens a git provider connection's REST API (GitHub, GitLab, Bitbucket Cloud)."""
    git: GitSources | None = None
    """Git providers' APIs through the connections (None: no provider client wired in)."""
    sign_in: ProviderSignIn | None = None
    """Sign-in and account linking through GitHub and GitLab (GET /auth/{provider}/start)."""
    destinations: BackupDestinationCheck | None = None
    """Tests a backup destination's settings with a write before they are saved."""
    backup_stores: BackupStores | None = None
    """Opens the store of an organisation's backup destination (directory or S3)."""
    timeseries: TimeSeriesStore | None = None
    """Replica, service and node measurements (None: not wired in)."""
    databases: DatabaseFigures | None = None
    """Managed databases' figures, measured by their engines (None: no engine wired in)."""
    wake: WakeGate | None = None
    """Holds requests for sleeping services while they wake (None: no wake handler)."""
    notifier_tests: NotifierTests | None = None
    """Sends a test message to a notifier now (None: no notifier channels wired in)."""
    alert_delivery: AlertDelivery | None = None
    """Where the alert process hands notifications over to the notifiers (issue 17)."""
    agents: AgentGateway | None = None
    node_containers: NodeContainers | None = None
    certificates: CertificateReader | None = None
    """Reads custom domains' certificates off the HTTPS listener (None: no HTTPS listener)."""
    """The node page's containers: listed, started, stopped, restarted (issue 18)."""
    """Node agents: join tokens, credentials, heartbeats (issue 18; None: not wired in)."""
    _waiter: list[PositionWaiter] = field(default_factory=list)
    _waiter_lock: threading.Lock = field(default_factory=threading.Lock)

    def execute(
        self,
        command: Command,
        ctx: Context,
        *,
        wait_for: Sequence[str] = (),
        timeout: float = 10.0,
    ) -> CommandResult:
        """Carry out a command; with ``wait_for``, return only once those read models show it.

        A user's command that sets a service's git source has its repository checked first
        (see RepositoryCheck); commands of Containr itself are not.
        """
        self._check(command, ctx)
        result = self.commands.execute(command, ctx)
        if wait_for and result.position is not None:
            self.wait_for(result.position, wait_for, timeout=timeout)
        return result

    def _check(self, command: Command, ctx: Context) -> None:
        if ctx.principal is None:
            return
        for check in (
            self.repositories,
            self.promotions,
            self.destinations,
            self.plan_destinations,
        ):
            if check is not None and check.applies(command):
                if self.commands.rehearse(command, ctx):
                    check.check(command)
                return
        if isinstance(command, ConnectServiceRepository) and self.commands.rehearse(command, ctx):
            self.git_sources().check.check(command)

    def git_sources(self) -> GitSources:
        """The git providers' side, or UNAVAILABLE when no provider client is wired in."""
        if self.git is None:
            raise NoProviderClientError(
                "this server has no git provider client configured; connect the repository "
                "with the git URL instead"
            )
        return self.git

    def reads(self, principal: Principal | None, *, observe: Observer | None = None) -> Reads:
        """What ``principal`` may read, through the read gate (one per request)."""
        return Reads(
            self.read_store,
            principal,
            logs=self.logs,
            metrics=self.metrics,
            queries=self.queries,
            plans=self.plans,
            time_travel=self.time_travel,
            archives=self.archives,
            observe=observe,
            timeseries=self.timeseries,
        )

    def wait_for(
        self, position: int, models: Sequence[str] = ALL_MODELS, *, timeout: float = 10.0
    ) -> None:
        """Block until the read models include ``position`` (read-your-writes)."""
        if not self.waiter().wait(position, models, timeout):
            raise ReadTimeoutError(
                f"read models {', '.join(models)} did not reach position {position} "
                f"within {timeout:g}s; is a worker running the projections?"
            )

    def waiter(self) -> PositionWaiter:
        """The process's read-your-writes waiter (created on first use)."""
        with self._waiter_lock:
            if not self._waiter:
                self._waiter.append(PositionWaiter(self.changes, self.read_store.positions))
            return self._waiter[0]

    def close(self) -> None:
        """Release connections and pools."""
        for waiter in self._waiter:
            waiter.close()
        for close in reversed(self.closers):
            close()
