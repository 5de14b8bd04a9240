"""What one caller reads: the read models through the read gate, and the few reads beside
them (logs, node measurements, variable values, build plans), each allowed by the rows it
concerns, which the gate has checked first."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from uuid import UUID

from application.archives import ArchiveInfo, SourceArchives
from application.authz import Permission, Principal
from application.commands import SetAutoscaling
from application.cost import MonthCost, month_cost
from application.errors import InvalidValueError, NotFoundError, UnavailableError
from application.hypervisor_ports import MetricStore, NodeSample
from application.impact import Impact, estimate
from application.logs import LogEntry, LogQuery, LogStore
from application.metrics import SeriesQueryError
from application.metrics_ports import (
    AGGREGATIONS,
    Aggregation,
    MetricReader,
    MetricsUnavailableError,
    is_known_metric,
)
from application.plans import BuildPlans, PlanPreview
from application.projections import TimeTravel
from application.queries import Queries
from application.readgate import Observer, ReadGate
from application.readmodels import (
    AnalyticsQueries,
    DashboardQueries,
    HistoryQueries,
    ReadStore,
)
from application.secrets import Secret
from projections.dashboard import CronRunRow, DeploymentRow, EnvironmentRow, ServiceRow

MAX_SAMPLES = 2000


class Reads:
    """Everything one caller may read, and nothing else."""

    def __init__(
        self,
        store: ReadStore,
        principal: Principal | None,
        *,
        logs: LogStore,
        metrics: MetricStore,
        queries: Queries,
        plans: BuildPlans,
        time_travel: TimeTravel,
        archives: SourceArchives | None = None,
        observe: Observer | None = None,
        timeseries: MetricReader | None = None,
    ) -> None:
        self.gate = ReadGate(store, principal, observe=observe)
        self.dashboard = DashboardQueries(self.gate)
        self.history = HistoryQueries(self.gate)
        self.analytics = AnalyticsQueries(self.gate)
        self._logs = logs
        self._metrics = metrics
        self._queries = queries
        self._plans = plans
        self._time_travel = time_travel
        self._archives = archives
        self._timeseries = timeseries

    def month_cost(self, services: Sequence[ServiceRow], now: datetime) -> MonthCost:
        """The month's estimated cost of services the caller read (issue 16)."""
        return month_cost(self._queries, self.dashboard, services, now)

    def estimate_autoscaling(self, cmd: SetAutoscaling, days: int, now: datetime) -> Impact:
        """What a policy would have done over the last days of a service's metrics, beside
        what ran (issue 16)."""
        if self._timeseries is None:
            raise UnavailableError("metrics are not collected by this server")
        try:
            return estimate(self._queries, self.dashboard, self._timeseries, cmd, days, now)
        except MetricsUnavailableError as e:
            raise UnavailableError(str(e)) from None

    def logs(self, query: LogQuery) -> list[LogEntry]:
        """Log lines of a service or a deployment the caller may read."""
        if query.service_id is None and query.deployment_id is None:
            raise InvalidValueError("serviceId", "give a service or a deployment")
        service = self.dashboard.service(query.service_id) if query.service_id else None
        if query.deployment_id is not None:
            deployment = self._deployment_or_cron_run(query.deployment_id)
            if service is not None and deployment.service_id != service.id:
                raise NotFoundError("deployment", f"{query.deployment_id} of this service")
        return self._logs.read(query)

    def _deployment_or_cron_run(self, ident: UUID) -> DeploymentRow | CronRunRow:
        """What a log's ``deployment_id`` names: a deployment, or a cron run (its logs are
        kept under the run's id)."""
        try:
            return self.dashboard.deployment(ident)
        except NotFoundError:
            return self.dashboard.cron_run(ident)

    def archive(self, archive_id: UUID) -> ArchiveInfo:
        """An uploaded source archive of one of the caller's organisations."""
        found = self._archives.info(archive_id) if self._archives is not None else None
        if found is None:
            self.gate.caller()
            raise NotFoundError("source archive", archive_id)
        self.gate.require(found.organization_id, Permission.READ, "source archive")
        return found

    def node_samples(
        self, cluster_id: UUID, node: str, since: datetime, until: datetime
    ) -> list[NodeSample]:
        """A cluster node's measurements over a time range (the newest MAX_SAMPLES)."""
        cluster = self.dashboard.cluster(cluster_id)
        if until < since:
            raise InvalidValueError("until", "must not be before since")
        return self._metrics.series(str(cluster.id), node, since, until)[-MAX_SAMPLES:]

    def service_series(
        self,
        service_id: UUID,
        metric: str,
        window: tuple[datetime, datetime],
        step: timedelta,
        aggregation: str,
    ) -> list[tuple[datetime, float]]:
        """A measurement of a service the caller may read, one point per step."""
        service = self.dashboard.service(service_id)
        return self._series(
            metric,
            aggregation,
            lambda reader, agg: reader.series(service.id, metric, window[0], window[1], step, agg),
        )

    def node_series(
        self,
        node_id: UUID,
        metric: str,
        window: tuple[datetime, datetime],
        step: timedelta,
        aggregation: str,
    ) -> list[tuple[datetime, float]]:
        """A measurement of a Docker node the caller may read, one point per step."""
        node = self.dashboard.node(node_id)
        return self._series(
            metric,
            aggregation,
            lambda reader, agg: reader.node_series(
                str(node.id), metric, window[0], window[1], step, agg
            ),
        )

    def _series(
        self,
        metric: str,
        aggregation: str,
        read: Callable[[MetricReader, Aggregation], list[tuple[datetime, float]]],
    ) -> list[tuple[datetime, float]]:
        if not is_known_metric(metric):
            raise InvalidValueError("metric", f"{metric!r} is not a metric Containr measures")
        if aggregation not in AGGREGATIONS:
            raise InvalidValueError("aggregation", f"must be one of {', '.join(AGGREGATIONS)}")
        if self._timeseries is None:
            raise UnavailableError("metrics are not collected by this server")
        try:
            return read(self._timeseries, aggregation)
        except SeriesQueryError as e:
            raise InvalidValueError("step", str(e)) from None
        except MetricsUnavailableError as e:
            raise UnavailableError(str(e)) from None

    def latest_samples(self, cluster_id: UUID) -> dict[str, NodeSample]:
        """Each node of a cluster the caller may read, with its newest measurement."""
        cluster = self.dashboard.cluster(cluster_id)
        return {s.node: s for s in self._metrics.latest(str(cluster.id))}

    def environment_of(
        self, environment_id: UUID, project_id: UUID | None, service_id: UUID | None
    ) -> EnvironmentRow:
        """An environment, checked to belong to the project and the service's project given."""
        environment = self.dashboard.environment(environment_id)
        if project_id is not None and self.dashboard.project(project_id).id != (
            environment.project_id
        ):
            raise NotFoundError("environment", f"{environment_id} in project {project_id}")
        if service_id is not None:
            service = self.dashboard.service(service_id)
            if service.project_id != environment.project_id:
                raise NotFoundError("service", f"{service_id} in this environment's project")
        return environment

    def variable_names(
        self,
        environment_id: UUID,
        service_id: UUID | None = None,
        *,
        project_id: UUID | None = None,
        fresh: bool = False,
    ) -> list[str]:
        """Variable names of an environment (or one service in it); ``fresh`` reads the event
        store rather than the read model (right after a change)."""
        environment = self.environment_of(environment_id, project_id, service_id)
        if fresh:
            return self._queries.variable_names(environment.id, service_id)
        return self.dashboard.variable_names(
            environment.id, service_id, project_id=environment.project_id
        )

    def variable_values(
        self, environment_id: UUID, service_id: UUID | None = None, *, project_id: UUID | None
    ) -> dict[str, Secret]:
        """Variables with their values opened: admins and owners only."""
        environment = self.environment_of(environment_id, project_id, service_id)
        self.gate.require(environment.organization_id, Permission.MANAGE, "project's secrets")
        return self._queries.reveal_variables(environment.id, service_id)

    def webhook_secret(self, connection_id: UUID) -> Secret:
        """A git connection's current webhook secret, opened: admins and owners only."""
        connection = self.dashboard.git_connection(connection_id)
        self.gate.require(connection.organization_id, Permission.MANAGE, "webhook secret")
        return self._queries.webhook_secret(connection.id)

    def build_plan(self, service_id: UUID) -> PlanPreview:
        """The plan a deployment of the service's branch head would use."""
        return self._plans.preview(self.dashboard.service(service_id).id)

    def position_at(self, instant: datetime) -> int:
        """The log position current at an instant."""
        self.gate.caller()
        return self._time_travel.position_at(instant)

    @contextmanager
    def as_of(
        self, *, position: int | None = None, instant: datetime | None = None
    ) -> Iterator[tuple[int, DashboardQueries]]:
        """The dashboard as it was, read through this caller's gate."""
        self.gate.caller()
        with self._time_travel.dashboard(position=position, instant=instant, store=self.gate) as (
            reached,
            past,
        ):
            yield reached, past
