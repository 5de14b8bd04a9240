"""Nodes: the places that run containers, their capacity, labels and scheduling state."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.autoscaling import Prices
from domain.base import ContainrAggregate
from domain.errors import InvalidTransitionError, InvalidValueError, RuleViolatedError
from domain.ids import Actor, NodeId, OrganizationId
from domain.values import SealedValue, validate_labels, validate_slug

_ENDPOINT_SCHEMES = {"unix", "tcp", "ssh", "http", "https"}


class NodeKind(Enum):
    """What a node is: a Docker host, or a Proxmox guest running a Docker engine."""

    DOCKER = "docker"
    PROXMOX_GUEST = "proxmox_guest"
    AGENT = "agent"
    """A host whose `containr agent` joined with a token and connects out to the control plane."""


class NodeState(Enum):
    """Whether the scheduler may place work on a node."""

    READY = "ready"
    CORDONED = "cordoned"
    DRAINING = "draining"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Capacity:
    """What a node offers: CPU in millicores and memory in MiB."""

    cpu_millis: int
    memory_mb: int

    def check(self) -> Capacity:
        """Raise InvalidValueError unless both amounts are positive."""
        if self.cpu_millis <= 0:
            raise InvalidValueError(
                "cpu_millis", "must be positive: the millicores the node offers (1000 a core)"
            )
        if self.memory_mb <= 0:
            raise InvalidValueError("memory_mb", "must be positive: the MiB of memory it offers")
        return self


@dataclass(frozen=True)
class NodeTls:
    """The TLS material a direct tcp:// engine endpoint is reached with (issue 18): the CA
    that signed the engine's certificate and the client certificate, in clear (PEM), and
    the client key, sealed."""

    ca_cert: str
    client_cert: str
    client_key: SealedValue


@dataclass(frozen=True)
class PortRange:
    """The host ports a node publishes its replicas on (issue 18), both ends included."""

    start: int
    end: int

    def check(self) -> PortRange:
        """Raise InvalidValueError (naming ``port_range``) unless it is a range of
        unprivileged ports, start to end."""
        for end in (self.start, self.end):
            if not _MIN_PORT <= end <= _MAX_PORT:
                raise InvalidValueError(
                    "port_range",
                    f"{end} is outside {_MIN_PORT}-{_MAX_PORT}; give unprivileged ports "
                    "like 20000-29999",
                )
        if self.start > self.end:
            raise InvalidValueError(
                "port_range", f"starts at {self.start}, after its end {self.end}"
            )
        return self

    @staticmethod
    def given(start: int | None, end: int | None) -> PortRange | None:
        """The range a node is registered or joins with: None when it names neither end;
        an end it does not name is the default range's."""
        if start is None and end is None:
            return None
        return PortRange(
            DEFAULT_PORT_RANGE.start if start is None else start,
            DEFAULT_PORT_RANGE.end if end is None else end,
        )

    def overlaps(self, other: PortRange) -> bool:
        """Whether the two ranges share a port."""
        return self.start <= other.end and other.start <= self.end

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.start <= port <= self.end

    def __str__(self) -> str:
        return f"{self.start}\u2013{self.end}"


_MIN_PORT, _MAX_PORT = 1024, 65535
DEFAULT_PORT_RANGE = PortRange(20000, 29999)


@dataclass(frozen=True)
class PortHolder:
    """Which release's replica holds a published port of a node."""

    deployment_id: UUID
    replica: int


class PortsExhaustedError(RuleViolatedError):
    """Raised when a node has no free port left in its range for a replica."""


class NodeRemovedError(RuleViolatedError):
    """Raised when a removed node is asked to change."""


class Node(ContainrAggregate):
    """A node: where it is, what it offers, its labels, and whether it takes work."""

    class Registered(ContainrAggregate.Created):
        organization_id: UUID
        name: str
        kind: NodeKind
        endpoint: str
        capacity: Capacity
        labels: dict[str, str]

    class Relabelled(ContainrAggregate.Event):
        labels: dict[str, str]

        def apply(self, aggregate: Any) -> None:
            aggregate.labels = dict(self.labels)

    class CapacityChanged(ContainrAggregate.Event):
        capacity: Capacity

        def apply(self, aggregate: Any) -> None:
            aggregate.capacity = self.capacity

    class Cordoned(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.schedule_state = NodeState.CORDONED

    class DrainStarted(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.schedule_state = NodeState.DRAINING

    class Uncordoned(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.schedule_state = NodeState.READY

    class BecameUnreachable(ContainrAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.reachable = False
            aggregate.unreachable_reason = self.reason

    class BecameReachable(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.reachable = True
            aggregate.unreachable_reason = None

    class OrphanRemoved(ContainrAggregate.Event):
        """A container found on the node that no release wanted was removed."""

        container: str
        deployment_id: UUID | None
        reason: str

    class ImagesCollected(ContainrAggregate.Event):
        """Images Containr built that no release needs any more were removed (issue 18)."""

        images: list[str]

    class Removed(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.removed = True

    class TlsConfigured(ContainrAggregate.Event):
        """The engine is reached over TLS with this material from now on (its key sealed)."""

        ca_cert: str
        client_cert: str
        client_key: str

        def apply(self, aggregate: Any) -> None:
            aggregate.tls = NodeTls(self.ca_cert, self.client_cert, SealedValue(self.client_key))

    class TlsCleared(ContainrAggregate.Event):
        """The engine is reached without client certificates again."""

        def apply(self, aggregate: Any) -> None:
            aggregate.tls = None

    class AddressSet(ContainrAggregate.Event):
        """The address the ingress reaches the node's published ports at (None: the one its
        endpoint implies)."""

        address: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.advertised_address = self.address

    class PricesSet(ContainrAggregate.Event):
        """What a vCPU-hour and a GB-hour cost on this node (None: the organisation's; issue
        16)."""

        prices: Prices | None

        def apply(self, aggregate: Any) -> None:
            aggregate.prices = self.prices

    # Published ports (issue 18): each replica's host port comes from its node's range, and
    # the node records who holds which, so no port is given twice.

    class PortRangeSet(ContainrAggregate.Event):
        """Replicas placed from now on publish on ports from ``start`` to ``end``."""

        start: int
        end: int

        def apply(self, aggregate: Any) -> None:
            aggregate.port_range = PortRange(self.start, self.end)

    class PortAllocated(ContainrAggregate.Event):
        """A release's replica holds ``port`` on this node until it is released."""

        port: int
        deployment_id: UUID
        replica: int

        def apply(self, aggregate: Any) -> None:
            aggregate.ports[self.port] = PortHolder(self.deployment_id, self.replica)
            aggregate.last_port = self.port

    class PortsReleased(ContainrAggregate.Event):
        """A release's replicas are gone (retired, failed, removed): their ports are free."""

        deployment_id: UUID
        ports: list[int]

        def apply(self, aggregate: Any) -> None:
            for port in self.ports:
                aggregate.ports.pop(port, None)

    # Node agents (issue 18): the credential's hash, and transitions of the agent's connection.
    # Heartbeats themselves are measurements, never events.

    class AgentCredentialIssued(ContainrAggregate.Event):
        """The agent got a (new) credential; only its hash is kept, and any older one stops
        working."""

        credential_hash: str

        def apply(self, aggregate: Any) -> None:
            aggregate.credential_hash = self.credential_hash

    class AgentCredentialRevoked(ContainrAggregate.Event):
        """The agent's credential was revoked: it is refused until it joins again."""

        def apply(self, aggregate: Any) -> None:
            aggregate.credential_hash = None
            aggregate.agent_connected = False

    class AgentConnected(ContainrAggregate.Event):
        """The agent opened its connection to the control plane."""

        version: str

        def apply(self, aggregate: Any) -> None:
            aggregate.agent_connected = True
            aggregate.agent_version = self.version

    class AgentDisconnected(ContainrAggregate.Event):
        """The agent's connection closed or went silent."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.agent_connected = False

    class AgentCapabilitiesChanged(ContainrAggregate.Event):
        """What the agent's engine offers changed (engine version, architecture, CPUs, memory,
        disks, network interfaces)."""

        capabilities: dict[str, str]

        def apply(self, aggregate: Any) -> None:
            aggregate.agent_capabilities = dict(self.capabilities)

    def __init__(
        self,
        organization_id: UUID,
        name: str,
        kind: NodeKind,
        endpoint: str,
        capacity: Capacity,
        labels: dict[str, str],
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.kind = kind
        self.endpoint = endpoint
        self.capacity = capacity
        self.labels = dict(labels)
        self.schedule_state = NodeState.READY
        self.reachable = True
        self.unreachable_reason: str | None = None
        self.removed = False
        self.prices: Prices | None = None
        """The node's own prices, over the organisation's (None: the organisation's)."""
        self.credential_hash: str | None = None
        self.agent_connected = False
        self.agent_version: str | None = None
        self.agent_capabilities: dict[str, str] = {}
        self.tls: NodeTls | None = None
        self.advertised_address: str | None = None
        """The address given for the node (None: the one its endpoint implies)."""
        self.port_range = DEFAULT_PORT_RANGE
        self.ports: dict[int, PortHolder] = {}
        """Published ports held: port -> the release's replica that holds it."""
        self.last_port: int | None = None
        """The port given last: the next is looked for after it."""

    @classmethod
    def register(
        cls,
        node_id: NodeId,
        organization_id: OrganizationId,
        name: str,
        kind: NodeKind,
        endpoint: str,
        capacity: Capacity,
        labels: dict[str, str],
        *,
        actor: Actor,
        now: datetime,
    ) -> Node:
        """Add a node; it is ready for work from the start."""
        return cls._create(
            cls.Registered,
            id=node_id,
            organization_id=organization_id,
            name=validate_slug("name", name),
            kind=kind,
            endpoint=check_endpoint(endpoint),
            capacity=capacity.check(),
            labels=validate_labels("labels", labels),
            actor=actor,
            timestamp=now,
        )

    @classmethod
    def join_agent(
        cls,
        node_id: NodeId,
        organization_id: OrganizationId,
        name: str,
        capacity: Capacity,
        labels: dict[str, str],
        credential_hash: str,
        *,
        actor: Actor,
        now: datetime,
    ) -> Node:
        """A node whose agent joined with a token: it holds a credential and starts cordoned,
        so nothing is placed on a new host until an admin uncordons it."""
        node = cls._create(
            cls.Registered,
            id=node_id,
            organization_id=organization_id,
            name=validate_slug("name", name),
            kind=NodeKind.AGENT,
            endpoint=f"agent://{node_id}",
            capacity=capacity.check(),
            labels=validate_labels("labels", labels),
            actor=actor,
            timestamp=now,
        )
        node.issue_agent_credential(credential_hash, actor=actor, now=now)
        node.cordon(actor=actor, now=now)
        return node

    def issue_agent_credential(self, credential_hash: str, *, actor: Actor, now: datetime) -> None:
        """Give the agent a new credential (joining or rotating); the previous one stops."""
        self._require_agent()
        if len(credential_hash) != 64:
            raise InvalidValueError("credential_hash", "must be a SHA-256 hex digest")
        self.trigger_event(
            self.AgentCredentialIssued, credential_hash=credential_hash, actor=actor, timestamp=now
        )

    def revoke_agent_credential(self, *, actor: Actor, now: datetime) -> bool:
        """Refuse the agent's credential from now on; False when none was in force."""
        self._require_agent()
        if self.credential_hash is None:
            return False
        self.trigger_event(self.AgentCredentialRevoked, actor=actor, timestamp=now)
        return True

    def record_agent_connected(
        self, version: str, capabilities: dict[str, str], *, actor: Actor, now: datetime
    ) -> None:
        """The agent connected (an event only when it was not connected, or its version or
        capabilities changed)."""
        self._require_agent()
        if self.credential_hash is None:
            raise RuleViolatedError("the agent's credential was revoked")
        if not self.agent_connected or version != self.agent_version:
            self.trigger_event(self.AgentConnected, version=version, actor=actor, timestamp=now)
        if capabilities != self.agent_capabilities:
            self.trigger_event(
                self.AgentCapabilitiesChanged, capabilities=capabilities, actor=actor, timestamp=now
            )

    def record_agent_disconnected(self, reason: str, *, actor: Actor, now: datetime) -> None:
        """The agent's connection ended (nothing when it was not connected)."""
        self._require_agent()
        if self.agent_connected:
            self.trigger_event(self.AgentDisconnected, reason=reason, actor=actor, timestamp=now)

    def _require_agent(self) -> None:
        self._require_present()
        if self.kind is not NodeKind.AGENT:
            raise RuleViolatedError(f"node {self.name!r} has no agent; it is a {self.kind.value}")

    @property
    def address(self) -> str:
        """The address the ingress reaches the node's published ports at."""
        return self.advertised_address or default_address(self.endpoint)

    @property
    def host(self) -> str:
        """The host whose ports the node publishes on, as far as Containr can tell: its
        advertised address, else its engine's host (loopback for a local socket); an agent
        that advertises none is a host of its own."""
        if self.advertised_address is None and self.kind is NodeKind.AGENT:
            return self.endpoint
        address = self.address
        return "127.0.0.1" if address == "localhost" else address

    def configure_tls(self, tls: NodeTls | None, *, actor: Actor, now: datetime) -> bool:
        """Reach the engine with this TLS material from now on (None: without); False when
        nothing changed. The material was checked and its key sealed by the caller."""
        self._require_present()
        if tls is not None and not self.endpoint.startswith("tcp://"):
            raise InvalidValueError(
                "endpoint",
                "TLS client certificates need a tcp://host:port endpoint "
                f"(this node's is {self.endpoint.split(':', 1)[0]}://)",
            )
        if tls == self.tls:
            return False
        if tls is None:
            self.trigger_event(self.TlsCleared, actor=actor, timestamp=now)
        else:
            self.trigger_event(
                self.TlsConfigured,
                ca_cert=tls.ca_cert,
                client_cert=tls.client_cert,
                client_key=str(tls.client_key),
                actor=actor,
                timestamp=now,
            )
        return True

    def set_address(self, address: str | None, *, actor: Actor, now: datetime) -> bool:
        """Advertise ``address`` for the node's published ports (None: the endpoint's);
        False when it was so already."""
        self._require_present()
        address = check_address(address) if address is not None else None
        if address == self.advertised_address:
            return False
        self.trigger_event(self.AddressSet, address=address, actor=actor, timestamp=now)
        return True

    def set_port_range(self, port_range: PortRange, *, actor: Actor, now: datetime) -> bool:
        """Publish replicas placed from now on on ports of ``port_range``; False when it was
        so already. Ports held keep their holders."""
        self._require_present()
        port_range.check()
        if port_range == self.port_range:
            return False
        self.trigger_event(
            self.PortRangeSet,
            start=port_range.start,
            end=port_range.end,
            actor=actor,
            timestamp=now,
        )
        return True

    def port_of(self, deployment_id: UUID, replica: int) -> int | None:
        """The port a release's replica holds here, if any."""
        wanted = PortHolder(deployment_id, replica)
        return next((port for port, holder in self.ports.items() if holder == wanted), None)

    def allocate_port(
        self, deployment_id: UUID, replica: int, *, actor: Actor, now: datetime
    ) -> int:
        """The port the replica holds, allocating one if it holds none: the first free port
        after the one given last, round the range (a port just freed, whose release may still
        be draining, is given again only after the rest of the range). Raises
        PortsExhaustedError when the range has none free."""
        self._require_present()
        held = self.port_of(deployment_id, replica)
        if held is not None:
            return held
        start, end = self.port_range.start, self.port_range.end
        last = self.last_port
        after = last + 1 if last is not None and start <= last < end else start
        free = next(
            (
                port
                for port in itertools.chain(range(after, end + 1), range(start, after))
                if port not in self.ports
            ),
            None,
        )
        if free is None:
            raise PortsExhaustedError(f"no free port in {self.port_range} on node {self.name}")
        self.trigger_event(
            self.PortAllocated,
            port=free,
            deployment_id=deployment_id,
            replica=replica,
            actor=actor,
            timestamp=now,
        )
        return free

    def release_ports(self, deployment_id: UUID, *, actor: Actor, now: datetime) -> list[int]:
        """Free the ports a release's replicas hold here; the ports freed (none: nothing)."""
        ports = sorted(p for p, h in self.ports.items() if h.deployment_id == deployment_id)
        if ports:
            self.trigger_event(
                self.PortsReleased,
                deployment_id=deployment_id,
                ports=ports,
                actor=actor,
                timestamp=now,
            )
        return ports

    @property
    def state(self) -> NodeState:
        """The node's state as the scheduler sees it; unreachable trumps the rest."""
        return self.schedule_state if self.reachable else NodeState.UNREACHABLE

    def relabel(self, labels: dict[str, str], *, actor: Actor, now: datetime) -> None:
        """Replace the node's labels."""
        self._require_present()
        labels = validate_labels("labels", labels)
        if labels != self.labels:
            self.trigger_event(self.Relabelled, labels=labels, actor=actor, timestamp=now)

    def change_capacity(self, capacity: Capacity, *, actor: Actor, now: datetime) -> None:
        """Record what the node offers now (e.g. after a resize)."""
        self._require_present()
        if capacity.check() != self.capacity:
            self.trigger_event(self.CapacityChanged, capacity=capacity, actor=actor, timestamp=now)

    def set_prices(self, prices: Prices | None, *, actor: Actor, now: datetime) -> bool:
        """Price the node's vCPU-hours and GB-hours (None: as the organisation); False when
        they were so already."""
        self._require_present()
        if prices is not None:
            prices.check()
        if prices == self.prices:
            return False
        self.trigger_event(self.PricesSet, prices=prices, actor=actor, timestamp=now)
        return True

    def cordon(self, *, actor: Actor, now: datetime) -> None:
        """Stop placing new work on the node; what runs there stays."""
        self._require_present()
        if self.schedule_state is NodeState.DRAINING:
            raise InvalidTransitionError("a draining node is already cordoned")
        if self.schedule_state is NodeState.READY:
            self.trigger_event(self.Cordoned, actor=actor, timestamp=now)

    def drain(self, *, actor: Actor, now: datetime) -> None:
        """Stop placing work here and move what runs here elsewhere."""
        self._require_present()
        if self.schedule_state is not NodeState.DRAINING:
            self.trigger_event(self.DrainStarted, actor=actor, timestamp=now)

    def uncordon(self, *, actor: Actor, now: datetime) -> None:
        """Let the scheduler place work on the node again."""
        self._require_present()
        if self.schedule_state is not NodeState.READY:
            self.trigger_event(self.Uncordoned, actor=actor, timestamp=now)

    def mark_unreachable(self, reason: str, *, actor: Actor, now: datetime) -> None:
        """The node's engine stopped answering."""
        self._require_present()
        if self.reachable:
            self.trigger_event(self.BecameUnreachable, reason=reason, actor=actor, timestamp=now)

    def mark_reachable(self, *, actor: Actor, now: datetime) -> None:
        """The node's engine answers again."""
        self._require_present()
        if not self.reachable:
            self.trigger_event(self.BecameReachable, actor=actor, timestamp=now)

    def remove_orphan(
        self,
        container: str,
        deployment_id: UUID | None,
        reason: str,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Record that a container nobody wanted was removed from the node."""
        self._require_present()
        self.trigger_event(
            self.OrphanRemoved,
            container=container,
            deployment_id=deployment_id,
            reason=reason,
            actor=actor,
            timestamp=now,
        )

    def record_images_collected(self, images: list[str], *, actor: Actor, now: datetime) -> None:
        """Record that these images were removed from the node (nothing for none)."""
        self._require_present()
        if images:
            self.trigger_event(
                self.ImagesCollected, images=list(images), actor=actor, timestamp=now
            )

    def remove(self, *, actor: Actor, now: datetime) -> None:
        """Forget the node."""
        self._require_present()
        self.trigger_event(self.Removed, actor=actor, timestamp=now)

    def _require_present(self) -> None:
        if self.removed:
            raise NodeRemovedError(f"node {self.name!r} has been removed")


def check_endpoint(endpoint: str) -> str:
    """Raise InvalidValueError unless ``endpoint`` is a Docker engine address."""
    parts = urlsplit(endpoint)
    if parts.scheme not in _ENDPOINT_SCHEMES or not (parts.netloc or parts.path):
        raise InvalidValueError(
            "endpoint",
            "must be a Docker engine address like unix:///var/run/docker.sock, "
            "tcp://host:2376 or ssh://user@host",
        )
    if parts.password:
        raise InvalidValueError(
            "endpoint", "must not contain a password; use TLS certificates or an ssh key"
        )
    return endpoint


def default_address(endpoint: str) -> str:
    """The address a node's published ports are reached at when none was given: the host of
    a tcp://, ssh:// or http(s):// endpoint, loopback for a local socket (or an agent)."""
    parts = urlsplit(endpoint)
    if parts.scheme in ("tcp", "ssh", "http", "https") and parts.hostname:
        return parts.hostname
    return "127.0.0.1"


_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def check_address(address: str) -> str:
    """Raise InvalidValueError unless ``address`` is an IP address or a host name."""
    address = address.strip()
    try:
        return str(ip_address(address))
    except ValueError:
        pass
    if not _HOST_NAME.match(address):
        raise InvalidValueError(
            "address",
            "must be an IP address or a host name the ingress reaches the node at, "
            "like 10.0.0.5 or node-2.internal",
        )
    return address.lower()
