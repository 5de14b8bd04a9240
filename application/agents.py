"""Node agents (issue 18): join tokens, node credentials, and the agents' live connections.

A join token (``cjt_…``) and a node credential (``cnc_<node id>_…``) are random secrets shown
once; only their SHA-256 is recorded (a join token's record is found by its hash, a
credential's node by the id it carries). Heartbeats are measurements: the newest one of each
agent is kept in this process's memory, and only transitions (connected, disconnected,
capabilities changed) become events.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime
from uuid import UUID, uuid4

import msgspec
from eventsourcing.application import AggregateNotFoundError

from application import commands as c
from application.agent_operations import AgentSessions, OperationChunk, OperationResult
from application.auth import hash_token
from application.authz import Principal
from application.bus import CommandBus, Context
from application.eventstore import EventStore
from application.handlers.agents import AgentRefusedError
from application.metrics_ports import (
    NODE_CPU_CORES,
    NODE_CPUS,
    NODE_DISK_TOTAL_BYTES,
    NODE_DISK_USED_BYTES,
    NODE_MEMORY_BYTES,
    NODE_MEMORY_TOTAL_BYTES,
    SAMPLE_INTERVAL,
    MetricWriter,
    Sample,
)
from application.ports import Clock
from application.processes.support import ORGANIZATION
from application.secrets import Secret
from domain.ids import Actor
from domain.node import Node, NodeKind

ACTOR = Actor("system:agents")
log = logging.getLogger("containr.agents")
TOKEN_PREFIX = "cjt_"  # noqa: S105 - a prefix naming the kind of token, not a secret
CREDENTIAL_PREFIX = "cnc_"
HEARTBEAT_SECONDS = 5.0
"""How often an agent sends a heartbeat."""
SILENCE_SECONDS = 3 * HEARTBEAT_SECONDS
"""An agent silent this long is taken to be disconnected."""
MAX_CONTAINERS = 2_000
MAX_TEXT = 200


class AgentContainer(msgspec.Struct, frozen=True, kw_only=True):
    """A container of this installation on the agent's engine, as the agent saw it."""

    id: str
    name: str
    image: str
    state: str
    """The engine's word: created, running, paused, restarting, exited, dead."""
    labels: dict[str, str] = {}


class AgentDisk(msgspec.Struct, frozen=True, kw_only=True):
    """A filesystem of the host: where it is mounted, its size and what is used."""

    path: str
    total_bytes: int
    used_bytes: int


class AgentUsage(msgspec.Struct, frozen=True, kw_only=True):
    """What the host uses now."""

    cpu_load: float = 0.0
    """The one-minute load average divided by the CPUs (1.0: every CPU busy)."""
    memory_used_bytes: int = 0
    disks: list[AgentDisk] = []


class Heartbeat(msgspec.Struct, frozen=True, kw_only=True, tag="heartbeat"):
    """Agent → control plane every 5 s: capabilities, usage and the installation's containers.

    The connection's messages are JSON objects tagged by ``type``; ``seq`` numbers each
    message of a connection so an acknowledgement names what it answers. The control plane
    answers with an ``ack``; it also sends ``operation`` messages (calls on the agent's
    engine, each with an operation id the agent acts on idempotently), which the agent answers
    with ``result`` (and a followed log with ``chunk``) messages (application/agent_operations).
    """

    seq: int
    version: str
    capabilities: dict[str, str]
    usage: AgentUsage = AgentUsage()
    containers: list[AgentContainer] = []


class Ack(msgspec.Struct, frozen=True, kw_only=True, tag="ack"):
    """Control plane → agent: the message ``seq`` was taken."""

    seq: int
    at: datetime


class Refused(msgspec.Struct, frozen=True, kw_only=True, tag="refused"):
    """Control plane → agent: the message ``seq`` was refused, and why."""

    seq: int
    code: str
    message: str


AgentMessage = Heartbeat | OperationResult | OperationChunk
ControlMessage = Ack | Refused


class Presence(msgspec.Struct, frozen=True, kw_only=True):
    """The newest heartbeat of an agent, and when it came."""

    node_id: UUID
    received_at: datetime
    heartbeat: Heartbeat


class AgentStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What the dashboard shows of a node's agent: the recorded state and the newest heartbeat
    (None when no heartbeat reached this process yet)."""

    version: str | None
    connected: bool
    credential_active: bool
    capabilities: dict[str, str]
    presence: Presence | None


class Joined(msgspec.Struct, frozen=True, kw_only=True):
    """What a joining agent receives: its node and its credential (shown once)."""

    node_id: UUID
    organization_id: UUID
    name: str
    credential: str
    installation: str = ""
    """The installation's name (its containers' ``containr.instance`` label)."""


class AgentIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """An agent proven by its credential."""

    node_id: UUID
    organization_id: UUID
    name: str


def new_join_token() -> Secret:
    """A fresh join token."""
    return Secret(TOKEN_PREFIX + secrets.token_urlsafe(32))


def new_credential(node_id: UUID) -> Secret:
    """A fresh credential for the node ``node_id``."""
    return Secret(f"{CREDENTIAL_PREFIX}{node_id.hex}_{secrets.token_urlsafe(32)}")


def credential_node(credential: Secret) -> UUID:
    """The node a credential names; AgentRefusedError when it is not one."""
    value = credential.reveal()
    head, _, rest = value.partition("_")
    node_hex, _, secret = rest.partition("_")
    if f"{head}_" != CREDENTIAL_PREFIX or len(node_hex) != 32 or not secret:
        raise AgentRefusedError("this is not a node credential (cnc_…)")
    try:
        return UUID(hex=node_hex)
    except ValueError:
        raise AgentRefusedError("this is not a node credential (cnc_…)") from None


def check_heartbeat(heartbeat: Heartbeat, organization_id: UUID) -> Heartbeat:
    """The heartbeat as it may be taken: raises ValueError naming the part that is too much;
    containers of another organisation are left out (an agent acts only on its own
    organisation's containers, so it has no business reporting others) and logged."""
    if len(heartbeat.containers) > MAX_CONTAINERS:
        raise ValueError(f"containers: more than {MAX_CONTAINERS}")
    if len(heartbeat.capabilities) > 64 or any(
        len(k) > MAX_TEXT or len(v) > MAX_TEXT for k, v in heartbeat.capabilities.items()
    ):
        raise ValueError("capabilities: at most 64 entries of at most 200 characters")
    own = [
        container
        for container in heartbeat.containers
        if container.labels.get(ORGANIZATION) in (None, str(organization_id))
    ]
    if len(own) < len(heartbeat.containers):
        log.warning(
            "an agent of organisation %s reported %d container(s) of another organisation; ignored",
            organization_id,
            len(heartbeat.containers) - len(own),
        )
        return msgspec.structs.replace(heartbeat, containers=own)
    return heartbeat


def _fingerprint(heartbeat: Heartbeat) -> str:
    return f"{heartbeat.version}\0{sorted(heartbeat.capabilities.items())}"


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class AgentGateway:
    """What the HTTP API does for agents and for the dashboard's agent views."""

    def __init__(
        self,
        store: EventStore,
        bus: CommandBus,
        clock: Clock,
        *,
        timeseries: MetricWriter | None = None,
        sessions: AgentSessions | None = None,
        instance: str = "",
    ) -> None:
        self.sessions = sessions or AgentSessions()
        """The agents' connections open to this process, for operations on their engines."""
        self.instance = instance
        """This installation's name: an agent acts only on containers labelled with it."""
        self._timeseries = timeseries
        self._pending: list[Sample] = []
        self._sampled: dict[UUID, datetime] = {}
        self._flushed: datetime | None = None
        self._store = store
        self._bus = bus
        self._clock = clock
        self._ctx = Context(actor=ACTOR)
        self._presence: dict[UUID, Presence] = {}
        self._connected: dict[UUID, str] = {}
        """Nodes connected to this process, each with the capabilities' fingerprint."""
        self._lock = threading.Lock()

    # Tokens and credentials

    def create_join_token(
        self, principal: Principal, organization_id: UUID, expires_in_minutes: int
    ) -> tuple[UUID, Secret]:
        """A join token for the organisation (shown once) and its record's id."""
        token = new_join_token()
        result = self._bus.execute(
            c.CreateJoinToken(
                organization_id=organization_id,
                token_hash=hash_token(token.reveal()),
                expires_in_minutes=expires_in_minutes,
            ),
            Context.of(principal),
        )
        return result.id("join_token_id"), token

    def join(
        self,
        token: Secret,
        name: str,
        cpu_millis: int,
        memory_mb: int,
        labels: dict[str, str],
        address: str | None = None,
        port_range: tuple[int, int] | None = None,
    ) -> Joined:
        """Spend a join token on a new node (reached at ``address``, if given, publishing on
        ``port_range``, if given); AgentRefusedError or a domain error when the token is
        forged, expired or used, the address is no address, or the range is malformed or
        overlaps another node's at that address (nothing recorded)."""
        if not token.reveal().startswith(TOKEN_PREFIX):
            raise AgentRefusedError("this is not a join token (cjt_…)")
        node_id = uuid4()
        credential = new_credential(node_id)
        result = self._bus.execute(
            c.JoinAgentNode(
                token_hash=hash_token(token.reveal()),
                node_id=node_id,
                name=name,
                cpu_millis=cpu_millis,
                memory_mb=memory_mb,
                labels=labels,
                credential_hash=hash_token(credential.reveal()),
                address=address,
                port_start=None if port_range is None else port_range[0],
                port_end=None if port_range is None else port_range[1],
            ),
            self._ctx,
        )
        return Joined(
            node_id=node_id,
            organization_id=result.id("organization_id"),
            name=name,
            credential=credential.reveal(),
            installation=self.instance,
        )

    def rotate(self, credential: Secret) -> Secret:
        """A new credential for the agent that proves itself with ``credential``; the old one
        stops working."""
        node_id = credential_node(credential)
        fresh = new_credential(node_id)
        self._bus.execute(
            c.RotateAgentCredential(
                node_id=node_id,
                current_hash=hash_token(credential.reveal()),
                credential_hash=hash_token(fresh.reveal()),
            ),
            self._ctx,
        )
        return fresh

    def authenticate(self, credential: Secret) -> AgentIdentity:
        """The agent a credential proves, read from the event store (so a revocation or
        rotation anywhere counts at once); AgentRefusedError otherwise."""
        node_id = credential_node(credential)
        try:
            node: object = self._store.repository.get(node_id)
        except AggregateNotFoundError:
            raise AgentRefusedError("this node credential is not valid") from None
        if (
            not isinstance(node, Node)
            or node.removed
            or node.kind is not NodeKind.AGENT
            or node.credential_hash is None
            or not secrets.compare_digest(node.credential_hash, hash_token(credential.reveal()))
        ):
            raise AgentRefusedError("this node credential is not valid (revoked or rotated)")
        return AgentIdentity(node_id=node.id, organization_id=node.organization_id, name=node.name)

    def revoke(self, principal: Principal, node_id: UUID) -> None:
        """Refuse a node's agent credential from now on (its connection is closed)."""
        self._bus.execute(c.RevokeAgentCredential(node_id=node_id), Context.of(principal))

    # The connection

    def needs_record(self, agent: AgentIdentity, heartbeat: Heartbeat) -> bool:
        """Whether taking ``heartbeat`` records an event (a connection or a change): then it
        goes through the command bus, which waits on the database; otherwise it is memory."""
        with self._lock:
            return self._connected.get(agent.node_id) != _fingerprint(heartbeat)

    def heartbeat(self, agent: AgentIdentity, heartbeat: Heartbeat) -> Ack:
        """Take a heartbeat: kept in memory; an event only when the agent (re)connects or its
        version or capabilities change. ValueError for a heartbeat that is refused."""
        heartbeat = check_heartbeat(heartbeat, agent.organization_id)
        now = self._clock.now()
        fingerprint = _fingerprint(heartbeat)
        with self._lock:
            known = self._connected.get(agent.node_id)
            self._presence[agent.node_id] = Presence(
                node_id=agent.node_id, received_at=now, heartbeat=heartbeat
            )
            self._sample(agent.node_id, heartbeat, now)
        if known != fingerprint:
            self._bus.execute(
                c.RecordAgentConnected(
                    node_id=agent.node_id,
                    version=heartbeat.version[:MAX_TEXT],
                    capabilities=heartbeat.capabilities,
                ),
                self._ctx,
            )
            with self._lock:
                self._connected[agent.node_id] = fingerprint
        return Ack(seq=heartbeat.seq, at=now)

    def _sample(self, node_id: UUID, heartbeat: Heartbeat, now: datetime) -> None:
        """Keep the node's usage for the time-series store, at most once per sample interval
        (the collectors' resolution), so the node's charts work as for any Docker node."""
        last = self._sampled.get(node_id)
        if self._timeseries is None or (last is not None and now - last < SAMPLE_INTERVAL):
            return
        self._sampled[node_id] = now
        caps, usage = heartbeat.capabilities, heartbeat.usage
        cpus = _number(caps.get("cpus"))
        values: dict[str, float | None] = {
            # the host's load in cores (the agent reports load per CPU), so the node's CPU
            # chart has points for agent nodes too
            NODE_CPU_CORES: usage.cpu_load * cpus if cpus is not None else None,
            NODE_MEMORY_BYTES: float(usage.memory_used_bytes),
            NODE_CPUS: cpus,
            NODE_MEMORY_TOTAL_BYTES: _number(caps.get("memory_bytes")),
            NODE_DISK_USED_BYTES: float(sum(d.used_bytes for d in usage.disks)),
            NODE_DISK_TOTAL_BYTES: float(sum(d.total_bytes for d in usage.disks)),
        }
        self._pending += [
            Sample(metric=metric, at=now, value=value, node=str(node_id))
            for metric, value in values.items()
        ]

    def samples_due(self) -> bool:
        """Whether kept usage waits to be written (every sample interval, in one batch)."""
        with self._lock:
            flushed = self._flushed
            return bool(self._pending) and (
                flushed is None or self._clock.now() - flushed >= SAMPLE_INTERVAL
            )

    def write_samples(self) -> int:
        """Write the kept usage to the time-series store in one batch; how many samples."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._flushed = self._clock.now()
        if batch and self._timeseries is not None:
            self._timeseries.record(batch)
        return len(batch)

    def disconnected(self, agent: AgentIdentity, reason: str) -> None:
        """The agent's connection to this process ended."""
        with self._lock:
            was = self._connected.pop(agent.node_id, None)
        if was is not None:
            self._bus.execute(
                c.RecordAgentDisconnected(node_id=agent.node_id, reason=reason[:MAX_TEXT]),
                self._ctx,
            )

    def presence(self, node_id: UUID) -> Presence | None:
        """The newest heartbeat of the node's agent seen by this process, if any."""
        with self._lock:
            return self._presence.get(node_id)

    def status(self, node_id: UUID) -> AgentStatus | None:
        """The node's agent as recorded, with its newest heartbeat; None for a node that has
        no agent."""
        try:
            node: object = self._store.repository.get(node_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(node, Node) or node.kind is not NodeKind.AGENT:
            return None
        return AgentStatus(
            version=node.agent_version,
            connected=node.agent_connected,
            credential_active=node.credential_hash is not None,
            capabilities=dict(node.agent_capabilities),
            presence=self.presence(node_id),
        )
