"""Placing replicas: filter the nodes, rank the rest, choose one, and say why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from heapq import merge

from domain.errors import InvalidValueError
from domain.scheduling.cluster import FITS, LACKS_CPU, LACKS_MEMORY, Cell, Cluster, ViewKey
from domain.scheduling.placement import Decision, FilterGroup, FilterReason, Placement
from domain.scheduling.ranking import Ranking
from domain.scheduling.request import NodeSnapshot, PlacementRequest


class Scheduler:
    """Places replicas on a snapshot of nodes, counting what it placed as it goes."""

    def __init__(self, nodes: Iterable[NodeSnapshot], *, top: int = 3) -> None:
        if top < 1:
            raise InvalidValueError("top", "must be at least 1")
        listed = tuple(nodes)
        self._cluster = Cluster(listed)
        self._snapshots = {n.node_id: n for n in listed}
        self._top = top

    def place(self, request: PlacementRequest) -> Placement:
        """Choose a node for each replica of ``request``, or explain why there is none."""
        request.check()
        if request.replicas == 0:
            return Placement(request, ())
        placing = _Placing(self._cluster, request, self._top)
        decisions: list[Decision] = []
        for replica in range(request.replicas):
            decision = placing.decide(replica)
            decisions.append(decision)
            if decision.node_id is None:
                # Nothing changed, so every later replica meets the same refusal.
                decisions.extend(
                    replace(decision, replica=later)
                    for later in range(replica + 1, request.replicas)
                )
                break
        return Placement(request, tuple(decisions))

    def snapshot(self) -> tuple[NodeSnapshot, ...]:
        """The nodes as they stand after the placements so far, in name order."""
        c = self._cluster
        out = []
        for i, node_id in enumerate(c.ids):
            node = self._snapshots[node_id]
            replicas = {s: on[i] for s, on in c.replicas.items() if i in on}
            out.append(
                replace(
                    node,
                    allocated_cpu_millis=c.cap_cpu[i] - c.free_cpu[i],
                    allocated_memory_mb=c.cap_memory[i] - c.free_memory[i],
                    replicas=replicas,
                )
            )
        return tuple(out)


def place(request: PlacementRequest, nodes: Iterable[NodeSnapshot], *, top: int = 3) -> Placement:
    """Choose a node for each replica of one request over a snapshot of the nodes."""
    return Scheduler(nodes, top=top).place(request)


class _Placing:
    """One request being placed: the filters, with the counts and cells they depend on."""

    def __init__(self, cluster: Cluster, request: PlacementRequest, top: int) -> None:
        rules = request.anti_affinity
        service = request.service_id
        self.cluster = cluster
        self.service = service
        self.cpu = request.cpu_request_millis
        self.memory = request.memory_request_mb
        self.max_per_node = rules.max_per_node
        domain_keys = tuple(limit.topology_key for limit in rules.per_domain)
        key = ViewKey(request.node_selector, request.preferred, request.spread_by, domain_keys)
        self.view = cluster.view(key)
        self.shortage, self.category = cluster.shortage(self.view, self.cpu, self.memory)
        self.on_nodes = cluster.replicas.setdefault(service, {})
        self.limits = [
            (cluster.domain_count(service, limit.topology_key), limit.max_replicas)
            for limit in rules.per_domain
        ]
        self.avoid = [cluster.replicas.setdefault(s, {}) for s in sorted(rules.avoid_services)]
        mismatched = self.view.mismatched
        self.fixed = cluster.state_groups + ((mismatched,) if mismatched else ())
        self.ranking = Ranking(cluster, self.view, request, self.category, top)

    def decide(self, replica: int) -> Decision:
        """Filter, rank and choose for one replica, then record it on the chosen node."""
        groups = list(self.fixed)
        blocked: set[int] = set()
        excluded = self._anti_affinity(groups, blocked)
        cells = self.view.cells
        live = [c for c in cells if c.index not in excluded] if excluded else cells
        open_count, stacked = self._capacity(live, excluded, blocked, groups)
        picked = self.ranking.rank(live, open_count, stacked, blocked)
        c = self.cluster
        chosen = picked[0] if picked else None
        decision = Decision(
            replica,
            None if chosen is None else c.ids[chosen],
            None if chosen is None else c.names[chosen],
            tuple(self.ranking.candidate(i) for i in picked),
            sum(open_count.values()) + len(stacked),
            tuple(groups),
            self.cpu,
            self.memory,
        )
        if chosen is not None:
            c.allocate(chosen, self.service, self.cpu, self.memory)
        return decision

    def _anti_affinity(self, groups: list[FilterGroup], blocked: set[int]) -> set[int]:
        """Block nodes at the per-node limit or running avoided services; return full cells."""
        c, cell_of, cells = self.cluster, self.view.cell_of, self.view.cells
        if self.max_per_node is not None:
            most = self.max_per_node
            at_limit = sorted(i for i, n in self.on_nodes.items() if n >= most and cell_of[i] >= 0)
            if at_limit:
                blocked.update(at_limit)
                groups.append(
                    FilterGroup(FilterReason.MAX_PER_NODE, len(at_limit), c.sample(at_limit))
                )
        excluded: set[int] = set()
        for j, (counts, most) in enumerate(self.limits):
            full = {value for value, n in counts.items() if n >= most}
            if full:
                excluded.update(cell.index for cell in cells if cell.domain_values[j] in full)
        if excluded:
            count = sum(len(cells[e].nodes) for e in excluded)
            count -= sum(1 for b in blocked if cell_of[b] in excluded)
            if count:
                members = merge(*(cells[e].nodes for e in sorted(excluded)))
                names = c.sample(i for i in members if i not in blocked)
                groups.append(FilterGroup(FilterReason.MAX_PER_DOMAIN, count, names))
        if self.avoid:
            avoided = sorted(
                {
                    i
                    for on in self.avoid
                    for i in on
                    if cell_of[i] >= 0 and cell_of[i] not in excluded and i not in blocked
                }
            )
            if avoided:
                blocked.update(avoided)
                groups.append(
                    FilterGroup(FilterReason.AVOIDED_SERVICE, len(avoided), c.sample(avoided))
                )
        return excluded

    def _capacity(
        self, live: list[Cell], excluded: set[int], blocked: set[int], groups: list[FilterGroup]
    ) -> tuple[dict[int, int], list[int]]:
        """Count nodes lacking CPU or memory; return open nodes per cell and stacked nodes.

        The shortage lists cover whole cells, so nodes blocked by anti-affinity (counted
        under their own reason already) are taken back out of the counts one by one.
        """
        cell_of, category, short = self.view.cell_of, self.category, self.shortage
        lacks_cpu = sum(len(short.cpu[cell.index]) for cell in live)
        lacks_memory = sum(len(short.memory[cell.index]) for cell in live)
        open_count = {
            cell.index: len(cell.nodes) - len(short.cpu[cell.index]) - len(short.memory[cell.index])
            for cell in live
        }
        for i in blocked:
            if cell_of[i] in excluded:
                continue
            kind = category[i]
            if kind == LACKS_CPU:
                lacks_cpu -= 1
            elif kind == LACKS_MEMORY:
                lacks_memory -= 1
            else:
                open_count[cell_of[i]] -= 1
        if lacks_cpu:
            names = self._short_names(short.cpu, live, blocked)
            groups.append(FilterGroup(FilterReason.INSUFFICIENT_CPU, lacks_cpu, names))
        if lacks_memory:
            names = self._short_names(short.memory, live, blocked)
            groups.append(FilterGroup(FilterReason.INSUFFICIENT_MEMORY, lacks_memory, names))
        stacked = []
        for i in self.on_nodes:
            cell = cell_of[i]
            if cell >= 0 and cell not in excluded and i not in blocked and category[i] == FITS:
                stacked.append(i)
                open_count[cell] -= 1
        return open_count, stacked

    def _short_names(
        self, lists: list[list[int]], live: list[Cell], blocked: set[int]
    ) -> tuple[str, ...]:
        members = merge(*(lists[cell.index] for cell in live))
        return self.cluster.sample(i for i in members if i not in blocked)
