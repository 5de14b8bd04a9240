"""Proxmox VE clusters: where they are, how to reach them, and their nodes' health."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.values import SealedValue, validate_slug

_TOKEN_ID = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z][A-Za-z0-9._-]*$")
_PVE_NODE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class ClusterRemovedError(RuleViolatedError):
    """Raised when a removed cluster is asked to change."""


def check_cluster_url(url: str) -> str:
    """Raise InvalidValueError unless ``url`` is ``https://host[:port]`` (no credentials)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidValueError("url", "must be the cluster's API address, like https://pve1:8006")
    if parts.username or parts.password:
        raise InvalidValueError(
            "url", "must not contain credentials; give the API token as tokenId and tokenSecret"
        )
    if parts.path not in ("", "/") or parts.query:
        raise InvalidValueError("url", "must be only https://host:port, without a path")
    return url.rstrip("/")


def check_token_id(token_id: str) -> str:
    """Raise InvalidValueError unless ``token_id`` looks like ``USER@REALM!TOKENID``."""
    if not _TOKEN_ID.match(token_id):
        raise InvalidValueError(
            "token_id", "must look like USER@REALM!TOKENID, e.g. root@pam!containr"
        )
    return token_id


def check_node_name(name: str) -> str:
    """Raise InvalidValueError unless ``name`` is a valid PVE node name."""
    if not _PVE_NODE.match(name):
        raise InvalidValueError(
            "node", f"{name!r} is not a Proxmox node name (letters, digits and hyphens, like pve1)"
        )
    return name


class Cluster(ContainrAggregate):
    """A Proxmox VE cluster an organisation connected, and what Containr knows of its nodes."""

    class Registered(ContainrAggregate.Created):
        organization_id: UUID
        name: str
        url: str
        token_id: str
        token_secret: str
        verify_tls: bool
        ca_bundle: str | None

    class CredentialsChanged(ContainrAggregate.Event):
        token_id: str
        token_secret: str
        verify_tls: bool
        ca_bundle: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.token_id = self.token_id
            aggregate.token_secret = SealedValue(self.token_secret)
            aggregate.verify_tls = self.verify_tls
            aggregate.ca_bundle = self.ca_bundle

    class NodeCameOnline(ContainrAggregate.Event):
        node: str

        def apply(self, aggregate: Any) -> None:
            aggregate.nodes[self.node] = True

    class NodeWentOffline(ContainrAggregate.Event):
        node: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.nodes[self.node] = False

    class NodeDisappeared(ContainrAggregate.Event):
        node: str

        def apply(self, aggregate: Any) -> None:
            aggregate.nodes.pop(self.node, None)

    class BecameUnreachable(ContainrAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.reachable = False
            aggregate.unreachable_reason = self.reason

    class Recovered(ContainrAggregate.Event):
        version: str

        def apply(self, aggregate: Any) -> None:
            aggregate.reachable = True
            aggregate.unreachable_reason = None
            aggregate.pve_version = self.version

    class StrayGuestsChanged(ContainrAggregate.Event):
        """Guests carrying a Containr operation tag no guest of this installation has."""

        guests: list[str]

        def apply(self, aggregate: Any) -> None:
            aggregate.stray_guests = list(self.guests)

    class Removed(ContainrAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.removed = True

    def __init__(
        self,
        organization_id: UUID,
        name: str,
        url: str,
        token_id: str,
        token_secret: str,
        verify_tls: bool,
        ca_bundle: str | None,
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.url = url
        self.token_id = token_id
        self.token_secret = SealedValue(token_secret)
        self.verify_tls = verify_tls
        self.ca_bundle = ca_bundle
        self.nodes: dict[str, bool] = {}
        self.reachable: bool | None = None  # unknown until first checked
        self.unreachable_reason: str | None = None
        self.pve_version: str | None = None
        self.stray_guests: list[str] = []
        self.removed = False

    @classmethod
    def register(
        cls,
        cluster_id: UUID,
        *,
        organization_id: UUID,
        name: str,
        url: str,
        token_id: str,
        token_secret: SealedValue,
        verify_tls: bool,
        ca_bundle: str | None,
        actor: Actor,
        now: datetime,
    ) -> Cluster:
        """Connect a cluster; the token secret arrives sealed."""
        return cls._create(
            cls.Registered,
            id=cluster_id,
            organization_id=organization_id,
            name=validate_slug("name", name),
            url=check_cluster_url(url),
            token_id=check_token_id(token_id),
            token_secret=str(token_secret),
            verify_tls=verify_tls,
            ca_bundle=_check_ca(ca_bundle),
            actor=actor,
            timestamp=now,
        )

    def change_credentials(
        self,
        *,
        token_id: str,
        token_secret: SealedValue,
        verify_tls: bool,
        ca_bundle: str | None,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Use another token (or TLS setting) from now on."""
        self._require_present()
        self.trigger_event(
            self.CredentialsChanged,
            token_id=check_token_id(token_id),
            token_secret=str(token_secret),
            verify_tls=verify_tls,
            ca_bundle=_check_ca(ca_bundle),
            actor=actor,
            timestamp=now,
        )

    def observe(
        self,
        nodes: dict[str, bool],
        version: str,
        *,
        actor: Actor,
        now: datetime,
    ) -> None:
        """Record what a check of the cluster found: node states that changed, recovery."""
        self._require_present()
        if self.reachable is not True:
            self.trigger_event(self.Recovered, version=version, actor=actor, timestamp=now)
        for node, online in sorted(nodes.items()):
            known = self.nodes.get(node)
            if online and known is not True:
                self.trigger_event(
                    self.NodeCameOnline, node=check_node_name(node), actor=actor, timestamp=now
                )
            elif not online and known is not False:
                self.trigger_event(
                    self.NodeWentOffline,
                    node=check_node_name(node),
                    reason="the cluster reports it offline",
                    actor=actor,
                    timestamp=now,
                )
        for node in sorted(set(self.nodes) - set(nodes)):
            self.trigger_event(self.NodeDisappeared, node=node, actor=actor, timestamp=now)

    def lose_contact(self, reason: str, *, actor: Actor, now: datetime) -> None:
        """The cluster's API stopped answering (or refused the token)."""
        self._require_present()
        if self.reachable is not False or self.unreachable_reason != reason:
            self.trigger_event(self.BecameUnreachable, reason=reason, actor=actor, timestamp=now)

    def observe_strays(self, guests: list[str], *, actor: Actor, now: datetime) -> None:
        """Record the guests (``"<vmid> <name> on <node>"``) that carry a Containr tag no guest
        of this installation has; only when the set changes. They are left alone: see
        ``application.processes.guest_sweep``."""
        self._require_present()
        found = sorted(set(guests))[:100]
        if found != self.stray_guests:
            self.trigger_event(self.StrayGuestsChanged, guests=found, actor=actor, timestamp=now)

    def remove(self, *, actor: Actor, now: datetime) -> None:
        """Forget the cluster (its guests stay where they are)."""
        self._require_present()
        self.trigger_event(self.Removed, actor=actor, timestamp=now)

    def credentials_context(self) -> str:
        """What the sealed token secret is bound to."""
        return f"cluster:{self.id}:token"

    def _require_present(self) -> None:
        if self.removed:
            raise ClusterRemovedError(f"cluster {self.name!r} has been removed")


def _check_ca(ca_bundle: str | None) -> str | None:
    if ca_bundle is None or not ca_bundle.strip():
        return None
    if "-----BEGIN CERTIFICATE-----" not in ca_bundle or len(ca_bundle) > 64_000:
        raise InvalidValueError("ca_bundle", "must be PEM text with at least one certificate")
    return ca_bundle
