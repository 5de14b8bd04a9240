"""Internal DNS (issue 18): which names resolve to which replicas, and who may ask.

The table is built from the read models (live releases, their services, environments and
projects, the organisations' nodes) and the engines' containers of this installation (their
addresses), and kept in memory by the DNS server (adapters/dns_server.py), which answers
``<service>.<environment>.<project-slug>.internal`` with A records of the live release's
running replicas that do not fail their readiness probe (all of them when none passes) and
``_<port-name>._tcp.<service>.<environment>.<project-slug>.internal`` with SRV records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from uuid import UUID

from application.processes.support import DEPLOYMENT, INSTANCE, ORGANIZATION, REPLICA
from application.readmodels import DashboardQueries
from application.runtime_ports import ContainerEngineError, ContainerInfo, NodeRuntimes
from projections.dashboard import DeploymentRow, ServiceRow

log = logging.getLogger(__name__)

ZONE = "internal"
"""The zone the internal names live in (``.internal``: reserved for private use)."""

_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def port_name(kind: str) -> str:
    """The SRV port name of a service's port: ``http`` for a web service, ``tcp`` otherwise."""
    return "http" if kind == "web" else "tcp"


def internal_hostname(service: str, environment: str, project_slug: str) -> str | None:
    """A service's internal name in an environment, or None when a part is no DNS label."""
    labels = (service.lower(), environment.lower(), project_slug.lower())
    if not all(_LABEL.match(label) for label in labels):
        return None
    return ".".join((*labels, ZONE))


def srv_name(hostname: str, kind: str) -> str:
    """The SRV name of a service's port under its internal name."""
    return f"_{port_name(kind)}._tcp.{hostname}"


@dataclass(frozen=True)
class Target:
    """One replica as the DNS shows it: an address, and the port it is reached on there."""

    replica: int
    address: str
    port: int | None


@dataclass(frozen=True)
class Entry:
    """A name's replicas and the organisation the name belongs to."""

    organization_id: UUID
    targets: tuple[Target, ...]
    port_name: str | None
    """The SRV port name (None: the service has no port, no SRV record)."""


@dataclass(frozen=True)
class DnsTable:
    """Names to replicas, and askers' addresses to their organisation."""

    names: Mapping[str, Entry] = field(default_factory=dict)
    askers: Mapping[str, UUID] = field(default_factory=dict)

    def asker(self, address: str) -> UUID | None:
        """The organisation a query from ``address`` asks for (None: not one of ours)."""
        return self.askers.get(address)

    def find(self, name: str) -> Entry | None:
        """The entry of a name (lowercase, no trailing dot): a service's internal name, or
        its SRV name with the service's port name. Whose it is, the caller checks."""
        entry = self.names.get(name)
        if entry is None and name.startswith("_"):  # _<port-name>._tcp.<hostname>
            parts = name.split(".", 2)
            if len(parts) == 3 and parts[1] == "_tcp":
                entry = self.names.get(parts[2])
                if entry is not None and parts[0] != f"_{entry.port_name}":
                    return None
        return entry

    def srv(self, name: str) -> bool:
        """Whether a name asks for SRV records (``_<port-name>._tcp.`` first)."""
        return name.startswith("_")


@dataclass
class DnsTableBuilder:
    """Builds the table from the read models and the engines of the organisations' nodes."""

    dashboard: DashboardQueries
    runtimes: NodeRuntimes
    instance: str
    local_endpoint: str

    def build(self) -> DnsTable:
        """The table as things are now (an engine that does not answer only loses its
        replicas and askers until the next build)."""
        nodes = {row.id: row for row in self.dashboard.all_nodes()}
        containers = self._containers({row.endpoint for row in nodes.values()})
        askers: dict[str, UUID] = {}
        for found in containers.values():
            for info in found:
                organization = info.labels.get(ORGANIZATION)
                if organization is None or info.state != "running":
                    continue
                for address in info.addresses.values():
                    askers[address] = UUID(organization)
        hosts: dict[str, str] = {}
        for node in sorted(nodes.values(), key=lambda row: str(row.id)):
            host = node_host(node.endpoint, node.address)
            if host is None:
                continue
            hosts.setdefault(node.endpoint, host)
            # a remote node's containers ask from its address (their engine masquerades them)
            askers.setdefault(host, node.organization_id)
        names = self._names(containers, hosts)
        return DnsTable(names=names, askers=askers)

    def _containers(self, endpoints: Iterable[str]) -> dict[str, list[ContainerInfo]]:
        found: dict[str, list[ContainerInfo]] = {}
        for endpoint in sorted({*endpoints, self.local_endpoint}):
            try:
                runtime = self.runtimes.for_endpoint(endpoint)
                found[endpoint] = runtime.containers({INSTANCE: self.instance}, all_states=False)
            except ContainerEngineError as e:
                log.warning("internal DNS: cannot list containers at %s: %s", endpoint, e)
        return found

    def _names(
        self, containers: Mapping[str, list[ContainerInfo]], hosts: Mapping[str, str]
    ) -> dict[str, Entry]:
        states = self.dashboard.live_states()
        if not states:
            return {}
        project_ids = sorted({s.project_id for s in states})
        services = {row.id: row for row in self.dashboard.services_by_id(
            sorted({s.service_id for s in states})
        )}  # fmt: skip
        environments = {row.id: row for row in self.dashboard.environments_of(project_ids)}
        projects = {row.id: row for row in self.dashboard.projects_by_id(project_ids)}
        unready = _unready(self.dashboard.deployments_by_id(
            sorted({s.live_deployment_id for s in states if s.live_deployment_id is not None}),
            columns=["replica_health"],
        ))  # fmt: skip
        by_deployment: dict[str, list[tuple[str, ContainerInfo]]] = {}
        for endpoint, found in containers.items():
            for info in found:
                deployment = info.labels.get(DEPLOYMENT)
                if deployment is not None and info.labels.get(REPLICA) is not None:
                    by_deployment.setdefault(deployment, []).append((endpoint, info))
        names: dict[str, Entry] = {}
        for state in states:
            service = services.get(state.service_id)
            environment = environments.get(state.environment_id)
            project = projects.get(state.project_id)
            if service is None or service.deleted or environment is None or project is None:
                continue
            if project.deleted_at is not None:
                continue
            hostname = internal_hostname(service.name, environment.name, project.slug)
            if hostname is None:
                continue
            replicas = _ready(
                by_deployment.get(str(state.live_deployment_id), []),
                unready.get(state.live_deployment_id, frozenset())
                if state.live_deployment_id is not None
                else frozenset(),
            )
            names[hostname] = Entry(
                organization_id=state.organization_id,
                targets=self._targets(service, replicas, hosts),
                port_name=port_name(service.kind) if _port(service) is not None else None,
            )
        return names

    def _targets(
        self,
        service: ServiceRow,
        replicas: list[tuple[str, ContainerInfo]],
        hosts: Mapping[str, str],
    ) -> tuple[Target, ...]:
        """A replica on the local engine by its address on its network (the service's port);
        one on another node by the node's address (the published port), which is why a
        client on another node takes the port from the SRV record: each node publishes a
        replica on a port of its own range, not on the service's port."""
        port = _port(service)
        targets = []
        for endpoint, info in sorted(replicas, key=lambda r: int(r[1].labels[REPLICA])):
            replica = int(info.labels[REPLICA])
            if endpoint == self.local_endpoint:
                for address in sorted(info.addresses.values())[:1]:
                    targets.append(Target(replica, address, port))
                continue
            host = hosts.get(endpoint)
            if host is not None:
                targets.append(Target(replica, host, info.host_port))
        return tuple(targets)


def _unready(rows: Iterable[DeploymentRow]) -> dict[UUID, frozenset[int]]:
    """Each release's replicas whose readiness probe fails (as its route leaves them out)."""
    return {
        row.id: frozenset(
            int(replica)
            for replica, health in (row.replica_health or {}).items()
            if health.get("ready") is False
        )
        for row in rows
    }


def _ready(
    replicas: list[tuple[str, ContainerInfo]], unready: frozenset[int]
) -> list[tuple[str, ContainerInfo]]:
    """The replicas that answer for the name: those not failing readiness, or all of them
    when none passes (as the route does: a failing answer is better than none)."""
    ready = [r for r in replicas if int(r[1].labels[REPLICA]) not in unready]
    return ready or replicas


def _port(service: ServiceRow) -> int | None:
    port = service.spec.get("port")
    return port if isinstance(port, int) else None


def node_host(endpoint: str, address: str) -> str | None:
    """The IPv4 address other hosts reach a node at: the address it advertises (an agent
    node's, ``agent://<id>``, has no other), else its endpoint's host; None when neither is
    an IPv4 address off loopback (a local socket's default, which no container reaches)."""
    for candidate in (address, node_address(endpoint)):
        if candidate and _IPV4.fullmatch(candidate) and not candidate.startswith("127."):
            return candidate
    return None


def node_address(endpoint: str) -> str | None:
    """The IPv4 address of a node's engine endpoint (tcp://10.0.0.2:2376), if it names one."""
    try:
        host = urlsplit(endpoint).hostname
    except ValueError:
        return None
    if host is None or not _IPV4.fullmatch(host):
        return None
    return host
