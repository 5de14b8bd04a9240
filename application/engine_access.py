"""How each node's engine is reached (issue 18): the address its published ports are reached
at, and, for a direct tcp:// endpoint, the TLS client certificates, its key opened from the
node's sealed copy only when the material changed."""

from __future__ import annotations

import logging
import threading
from uuid import UUID

from application.errors import SecretUnavailableError
from application.node_tls import key_context
from application.ports import SecretBox
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import EngineAccess, EngineTls

log = logging.getLogger(__name__)


class NodeEngineAccess:
    """EngineAccessLookup over the nodes' read model and their sealed TLS material.

    Several nodes may name one endpoint (two organisations registering the same engine): the
    one with TLS material wins over those without, and among those the one changed last.
    """

    def __init__(self, dashboard: DashboardQueries, queries: Queries, secrets: SecretBox):
        self._dashboard = dashboard
        self._queries = queries
        self._secrets = secrets
        self._opened: dict[tuple[UUID, str], EngineTls] = {}
        self._lock = threading.Lock()

    def __call__(self, endpoint: str) -> EngineAccess:
        """The access of the node at ``endpoint`` (the defaults when none is known)."""
        rows = self._dashboard.nodes_at(endpoint)
        if not rows:
            return EngineAccess()
        row = max(rows, key=lambda r: (r.tls_fingerprint is not None, r.position))
        if row.tls_fingerprint is None:
            return EngineAccess(address=row.address)
        try:
            tls = self._tls(row.id, row.tls_fingerprint)
        except SecretUnavailableError:
            # The organisation's key is gone (or wrong): that engine is reached without its
            # certificates, so it refuses and its node shows unreachable; the others go on.
            log.warning("the TLS key of node %s cannot be opened", row.id)
            return EngineAccess(address=row.address, version=f"{row.tls_fingerprint}:unopened")
        return EngineAccess(address=row.address, tls=tls, version=row.tls_fingerprint)

    def _tls(self, node_id: UUID, fingerprint: str) -> EngineTls | None:
        with self._lock:
            known = self._opened.get((node_id, fingerprint))
        if known is not None:
            return known
        node = self._queries.node(node_id)
        if node.tls is None:
            return None  # cleared since the read model saw it: the next call sees that too
        key = self._secrets.open(node.organization_id, key_context(node.id), node.tls.client_key)
        tls = EngineTls(ca_cert=node.tls.ca_cert, client_cert=node.tls.client_cert, client_key=key)
        with self._lock:
            # Only the current material of each node is kept.
            for stale in [k for k in self._opened if k[0] == node_id]:
                del self._opened[stale]
            self._opened[(node_id, fingerprint)] = tls
        return tls
