"""The scheduler's working copy of the nodes, with the indexes that keep placing cheap.

Nodes are numbered in name order, so a node's number is also its tie-break rank. A
``View`` groups the ready nodes that one shape of request can use (same required
selector, preferences and topology keys) into cells of nodes that rank alike apart
from their load; the cells keep their nodes ordered for each strategy. A ``Shortage``
remembers, for one request size, which nodes of each cell lack CPU or memory. Both are
built on first use and then updated as replicas are placed, so a placement touches a
few cells instead of every node.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from domain.errors import InvalidValueError
from domain.ids import NodeId, ServiceId
from domain.node import NodeState
from domain.scheduling.placement import FilterGroup, FilterReason
from domain.scheduling.request import NodeSnapshot
from domain.scheduling.selectors import LabelSelector, PreferredTerm

SAMPLE_NAMES = 5
"""How many node names a filter group lists; the count covers the rest."""

FITS, LACKS_MEMORY, LACKS_CPU = 0, 1, 2

_Key = TypeVar("_Key", tuple[float, int], tuple[int, int, int])

_STATE_REASONS = {
    NodeState.CORDONED: FilterReason.CORDONED,
    NodeState.DRAINING: FilterReason.DRAINING,
    NodeState.UNREACHABLE: FilterReason.UNREACHABLE,
}


@dataclass(frozen=True)
class ViewKey:
    """The parts of a request that decide which cell a node falls in."""

    selector: LabelSelector
    preferred: tuple[PreferredTerm, ...]
    spread_keys: tuple[str, ...]
    domain_keys: tuple[str, ...]


class Cell:
    """Ready nodes that match the selector and share preference weight and topology values."""

    __slots__ = ("domain_values", "index", "nodes", "preference", "spread_values")

    def __init__(
        self,
        index: int,
        preference: int,
        spread_values: tuple[str | None, ...],
        domain_values: tuple[str | None, ...],
    ) -> None:
        self.index = index
        self.preference = preference
        self.spread_values = spread_values
        self.domain_values = domain_values
        self.nodes: list[int] = []


class Shortage:
    """For one request size: per cell, the nodes lacking CPU and those lacking only memory."""

    __slots__ = ("cpu", "memory")

    def __init__(self, cells: int) -> None:
        self.cpu: list[list[int]] = [[] for _ in range(cells)]
        self.memory: list[list[int]] = [[] for _ in range(cells)]


class SizeTrack:
    """Which nodes fit one request size, and the shortages that must follow changes."""

    __slots__ = ("category", "cpu", "memory", "users")

    def __init__(self, cpu: int, memory: int, category: list[int]) -> None:
        self.cpu = cpu
        self.memory = memory
        self.category = category
        self.users: list[tuple[View, Shortage]] = []


class View:
    """The nodes one shape of request can use, split into cells, with lazy orderings."""

    def __init__(self, cluster: Cluster, key: ViewKey) -> None:
        self.cell_of = [-1] * len(cluster.names)
        self.cells: list[Cell] = []
        by_values: dict[tuple[int, tuple[str | None, ...], tuple[str | None, ...]], Cell] = {}
        mismatched: list[int] = []
        for i in cluster.ready:
            labels = cluster.labels[i]
            if not key.selector.matches(labels):
                mismatched.append(i)
                continue
            preference = sum(t.weight for t in key.preferred if t.selector.matches(labels))
            spread = tuple(labels.get(k) for k in key.spread_keys)
            domain = tuple(labels.get(k) for k in key.domain_keys)
            cell = by_values.get((preference, spread, domain))
            if cell is None:
                cell = by_values[preference, spread, domain] = Cell(
                    len(self.cells), preference, spread, domain
                )
                self.cells.append(cell)
            cell.nodes.append(i)
            self.cell_of[i] = cell.index
        self.mismatched = (
            FilterGroup(FilterReason.NODE_SELECTOR, len(mismatched), cluster.sample(mismatched))
            if mismatched
            else None
        )
        self.by_preference = sorted(self.cells, key=lambda c: (-c.preference, c.index))
        self.least_loaded: list[list[tuple[float, int]]] | None = None
        self.best_fit_memory: list[list[tuple[int, int, int]]] | None = None
        self.best_fit_cpu: list[list[tuple[int, int, int]]] | None = None
        self.shortages: dict[tuple[int, int], Shortage] = {}


class Cluster:
    """Free capacity, labels and replica counts of every node, updated as replicas land.

    Views and sizes are kept for the cluster's lifetime: one planning pass over a
    snapshot, where the shapes and sizes of requests are few.
    """

    def __init__(self, nodes: Iterable[NodeSnapshot]) -> None:
        ordered = sorted((n.check() for n in nodes), key=lambda n: (n.name, str(n.node_id)))
        if len({n.node_id for n in ordered}) != len(ordered):
            raise InvalidValueError("nodes", "a node appears twice in the snapshot")
        self.ids: list[NodeId] = [n.node_id for n in ordered]
        self.names: list[str] = [n.name for n in ordered]
        self.labels: list[Mapping[str, str]] = [n.labels for n in ordered]
        self.cap_cpu = [n.capacity.cpu_millis for n in ordered]
        self.cap_memory = [n.capacity.memory_mb for n in ordered]
        self.free_cpu = [n.capacity.cpu_millis - n.allocated_cpu_millis for n in ordered]
        self.free_memory = [n.capacity.memory_mb - n.allocated_memory_mb for n in ordered]
        self.ready = [i for i, n in enumerate(ordered) if n.state is NodeState.READY]
        self.total_cpu = sum(self.cap_cpu[i] for i in self.ready)
        self.total_memory = sum(self.cap_memory[i] for i in self.ready)
        self.state_groups = self._state_groups(ordered)
        self.replicas: dict[ServiceId, dict[int, int]] = {}
        for i, n in enumerate(ordered):
            for service, count in n.replicas.items():
                if count > 0:
                    self.replicas.setdefault(service, {})[i] = count
        self.domain_counts: dict[ServiceId, dict[str, dict[str | None, int]]] = {}
        self.views: dict[ViewKey, View] = {}
        self.sizes: dict[tuple[int, int], SizeTrack] = {}
        self.cursor = 0

    def _state_groups(self, ordered: list[NodeSnapshot]) -> tuple[FilterGroup, ...]:
        groups = []
        for state, reason in _STATE_REASONS.items():
            members = [i for i, n in enumerate(ordered) if n.state is state]
            if members:
                groups.append(FilterGroup(reason, len(members), self.sample(members)))
        return tuple(groups)

    def sample(self, nodes: Iterable[int]) -> tuple[str, ...]:
        """The names of the first few of ``nodes``, which come in name order."""
        names = self.names
        out: list[str] = []
        for i in nodes:
            out.append(names[i])
            if len(out) == SAMPLE_NAMES:
                break
        return tuple(out)

    def view(self, key: ViewKey) -> View:
        """The view for a request shape, built on first use."""
        view = self.views.get(key)
        if view is None:
            view = self.views[key] = View(self, key)
        return view

    def least_loaded(self, view: View) -> list[list[tuple[float, int]]]:
        """Per cell, nodes by most free share of capacity first (then by name)."""
        if view.least_loaded is None:
            view.least_loaded = [sorted(self.load_key(i) for i in c.nodes) for c in view.cells]
        return view.least_loaded

    def best_fit(self, view: View, *, cpu_first: bool) -> list[list[tuple[int, int, int]]]:
        """Per cell, nodes by least free of the main resource first, then of the other one."""
        if cpu_first:
            if view.best_fit_cpu is None:
                view.best_fit_cpu = self._by_fit(view, self.free_cpu, self.free_memory)
            return view.best_fit_cpu
        if view.best_fit_memory is None:
            view.best_fit_memory = self._by_fit(view, self.free_memory, self.free_cpu)
        return view.best_fit_memory

    def _by_fit(
        self, view: View, main: list[int], other: list[int]
    ) -> list[list[tuple[int, int, int]]]:
        return [sorted((main[i], other[i], i) for i in c.nodes) for c in view.cells]

    def cpu_is_main(self, cpu: int, memory: int) -> bool:
        """Whether a replica asks a larger share of the ready nodes' CPU than of their memory."""
        return cpu * self.total_memory > memory * self.total_cpu

    def load_key(self, i: int) -> tuple[float, int]:
        """Sorts the node with the most free share of its capacity first."""
        free = self.free_cpu[i] / self.cap_cpu[i] + self.free_memory[i] / self.cap_memory[i]
        return (-free, i)

    def shortage(self, view: View, cpu: int, memory: int) -> tuple[Shortage, list[int]]:
        """Which nodes of each cell lack CPU or memory for a replica of this size."""
        track = self.sizes.get((cpu, memory))
        if track is None:
            category = [self._category(i, cpu, memory) for i in range(len(self.names))]
            track = self.sizes[cpu, memory] = SizeTrack(cpu, memory, category)
        shortage = view.shortages.get((cpu, memory))
        if shortage is None:
            shortage = view.shortages[cpu, memory] = Shortage(len(view.cells))
            for cell in view.cells:
                for i in cell.nodes:
                    if track.category[i] == LACKS_CPU:
                        shortage.cpu[cell.index].append(i)
                    elif track.category[i] == LACKS_MEMORY:
                        shortage.memory[cell.index].append(i)
            track.users.append((view, shortage))
        return shortage, track.category

    def _category(self, i: int, cpu: int, memory: int) -> int:
        if self.free_cpu[i] < cpu:
            return LACKS_CPU
        return LACKS_MEMORY if self.free_memory[i] < memory else FITS

    def domain_count(self, service: ServiceId, key: str) -> dict[str | None, int]:
        """Replicas of a service per value of a topology label, on every node."""
        per_key = self.domain_counts.setdefault(service, {})
        counts = per_key.get(key)
        if counts is None:
            counts = per_key[key] = {}
            for i, count in self.replicas.get(service, {}).items():
                value = self.labels[i].get(key)
                counts[value] = counts.get(value, 0) + count
        return counts

    def allocate(self, i: int, service: ServiceId, cpu: int, memory: int) -> None:
        """Record one replica of ``service`` on node ``i`` and update every index."""
        if cpu or memory:
            self._move(i, cpu, memory)
        on_nodes = self.replicas.setdefault(service, {})
        on_nodes[i] = on_nodes.get(i, 0) + 1
        for key, counts in self.domain_counts.get(service, {}).items():
            value = self.labels[i].get(key)
            counts[value] = counts.get(value, 0) + 1
        self.cursor = (i + 1) % len(self.names)

    def _move(self, i: int, cpu: int, memory: int) -> None:
        fc, fm = self.free_cpu[i], self.free_memory[i]
        old_load = self.load_key(i)
        self.free_cpu[i] = fc - cpu
        self.free_memory[i] = fm - memory
        new_load = self.load_key(i)
        for view in self.views.values():
            cell = view.cell_of[i]
            if cell < 0:
                continue
            if view.least_loaded is not None:
                _shift(view.least_loaded[cell], old_load, new_load)
            if view.best_fit_memory is not None:
                _shift(view.best_fit_memory[cell], (fm, fc, i), (fm - memory, fc - cpu, i))
            if view.best_fit_cpu is not None:
                _shift(view.best_fit_cpu[cell], (fc, fm, i), (fc - cpu, fm - memory, i))
        for track in self.sizes.values():
            new = self._category(i, track.cpu, track.memory)
            old = track.category[i]
            if new != old:
                track.category[i] = new
                for view, shortage in track.users:
                    cell = view.cell_of[i]
                    if cell >= 0:
                        _move_between(shortage, cell, i, old, new)


def _shift(ordered: list[_Key], old: _Key, new: _Key) -> None:
    del ordered[bisect_left(ordered, old)]
    insort(ordered, new)


def _move_between(shortage: Shortage, cell: int, i: int, old: int, new: int) -> None:
    lists = {LACKS_CPU: shortage.cpu, LACKS_MEMORY: shortage.memory}
    if old in lists:
        members = lists[old][cell]
        del members[bisect_left(members, i)]
    if new in lists:
        insort(lists[new][cell], i)
