"""The guest sweep: what a cluster holds of Containr's guests, against what Containr recorded.

Each monitor round lists the cluster's guests once and compares them with the dashboard's
guests of that cluster. A guest is Containr's when it carries an operation tag
(``containr-op-…``), or is named after one: a clone between its end and its tagging (the
clone window) carries no tags yet, only that name. Then:

- its guest failed to be created, or was deleted, and no operation runs: it is a leftover.
  It is removed (with backoff while the cluster refuses), and "cleanup pending" is recorded
  until it is gone, so an operator sees what is left and why. Removing is safe: the guest was
  never handed over (failed create) or its owner asked for it to go (deleted).
- its guest is being created: the live create finds it by tag or name and finishes it
  (adoption); the sweep leaves it alone.
- no guest of this installation (of any organisation, on any cluster) has its tag: it is
  left alone, and recorded on the cluster as a stray (``Cluster.StrayGuestsChanged``, when
  the set changes) so an operator sees it. It may belong to another Containr installation
  that shares the cluster, or to an event store restored from an older backup; destroying it
  would be irreversible and adopting it would hand a machine to an organisation that never
  asked for it.

A guest Containr recorded as running or stopped that the cluster shows otherwise (stopped or
started outside Containr, paused, or missing altogether) is drift, recorded as an event when
it begins and when it ends, never per look.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from uuid import UUID

from application import commands as c
from application.errors import NotFoundError
from application.hypervisor_ports import GuestInfo, HypervisorError
from domain.guest import operation_tag
from projections import dashboard

if TYPE_CHECKING:
    from application.processes.guests import GuestManager

log = logging.getLogger(__name__)
TAG_PREFIX = "containr-op-"
LEFTOVER_STATES = ("failed", "deleted")
WATCHED_STATES = ("running", "stopped")


def tag_of(guest: GuestInfo) -> str | None:
    """The Containr operation tag a guest carries (or is named after, in the clone window)."""
    for tag in guest.tags:
        if tag.lower().startswith(TAG_PREFIX):
            return tag.lower()
    name = guest.name.lower()
    return name if name.startswith(TAG_PREFIX) else None


class GuestSweep:
    """Compares one cluster's guests with the dashboard's, removes leftovers, records drift."""

    def __init__(self, manager: GuestManager) -> None:
        self.manager = manager
        self._seen: set[tuple[UUID, int]] = set()

    def known_tags(self) -> set[str]:
        """The operation tags of every guest of this installation, on every cluster."""
        return {
            operation_tag(f"{guest.id}:create")
            for cluster in self.manager.dashboard.clusters()
            for guest in self.manager.dashboard.guests(cluster.id)
        }

    def sweep(self, cluster_id: UUID, known: set[str] | None = None) -> None:
        """One look at the guests of one cluster (``known``: ``known_tags()``, if at hand)."""
        # The record is read before the cluster: an operation that ends in between shows in
        # the record as pending (skipped) or makes the report stale (the guest ignores it),
        # never as drift that is not there.
        rows = self.manager.dashboard.guests(cluster_id)
        known = self.known_tags() if known is None else known
        try:
            with self.manager.connect(cluster_id) as hypervisor:
                found = [g for g in hypervisor.guests() if not g.template]
        except HypervisorError as e:  # the monitor records the cluster as unreachable
            log.info("cluster %s: guests not swept: %s", cluster_id, e)
            return
        by_tag = {operation_tag(f"{row.id}:create"): row for row in rows}
        on_cluster: dict[UUID, GuestInfo] = {}
        by_vmid = {g.vmid: g for g in found}
        strays: list[GuestInfo] = []
        for guest in found:
            tag = tag_of(guest)
            if tag is None:
                continue
            row = by_tag.get(tag)
            if row is not None:
                on_cluster[row.id] = guest
            elif tag not in known:
                strays.append(guest)  # another organisation's guest here is not a stray
        self._strays(cluster_id, strays)
        for row in rows:
            if self.manager.executor.is_running(row.id) or row.pending_action is not None:
                continue  # a live operation owns the guest
            mine = on_cluster.get(row.id)
            if row.state in LEFTOVER_STATES:
                self._leftover(row, mine)
            elif row.state in WATCHED_STATES and row.vmid is not None:
                self._observe(row, mine or by_vmid.get(row.vmid))

    def _leftover(self, row: dashboard.GuestRow, guest: GuestInfo | None) -> None:
        if guest is None:
            if row.cleanup_pending is not None:
                self.manager.cleanups.succeeded(row.id)
                self.manager.send(c.ReportGuestCleanedUp(guest_id=row.id))
            return
        now = self.manager.clock.now()
        if not self.manager.cleanups.due(row.id, now):
            return
        self.manager.executor.submit(row.id, row.cluster_id, guest.node, lambda: self._remove(row))

    def _remove(self, row: dashboard.GuestRow) -> None:
        try:
            guest = self.manager.queries.guest(row.id)
        except NotFoundError:
            return
        if guest.pending is not None:
            return  # an operation began meanwhile: it owns the guest
        left = self.manager.remove_leftover(guest)
        if left is None:
            self.manager.cleanups.succeeded(row.id)
            if guest.cleanup is not None:
                self.manager.send(c.ReportGuestCleanedUp(guest_id=row.id))
            return
        wait = self.manager.cleanups.failed(row.id, self.manager.clock.now())
        log.warning("guest %s: leftover not removed, next try in %s: %s", row.id, wait, left)
        if guest.cleanup is None:
            self.manager.send(c.ReportGuestCleanupPending(guest_id=row.id, reason=left))

    def _observe(self, row: dashboard.GuestRow, guest: GuestInfo | None) -> None:
        if guest is None:
            observed = "missing"
        elif guest.status in ("running", "stopped", "paused"):
            observed = guest.status
        else:
            return  # unknown: its node does not answer (the monitor records that)
        if observed == row.state and row.drift is None:
            return
        if observed != row.state and observed == row.drift:
            return  # already recorded
        self.manager.send(
            c.ReportGuestObserved(guest_id=row.id, expected=row.state, observed=observed)
        )

    def _strays(self, cluster_id: UUID, strays: list[GuestInfo]) -> None:
        names = sorted(f"{g.vmid} {g.name} on {g.node}" for g in strays)
        for guest in strays:
            if (cluster_id, guest.vmid) not in self._seen:
                self._seen.add((cluster_id, guest.vmid))
                log.warning(
                    "cluster %s: %s %s (%s) on %s carries a Containr tag no guest of this "
                    "installation has; left alone",
                    cluster_id,
                    guest.kind,
                    guest.vmid,
                    guest.name,
                    guest.node,
                )
        try:
            recorded = self.manager.dashboard.cluster(cluster_id).stray_guests
        except NotFoundError:
            return
        if sorted(recorded) != names:
            self.manager.send(c.ReportStrayGuests(cluster_id=cluster_id, guests=names))
