"""Ranking the nodes that pass the filters: spreading first, then preferences, then strategy.

A node with fewer replicas of the service ranks higher; then one whose spread domains
(e.g. its zone) hold fewer; then one matching more preferred-affinity weight; then the
strategy decides and the node name breaks ties. Nodes that run none of the service are
ranked cell by cell (a cell's nodes share domain counts and preference), so only the
head of a few cells' orderings is read; nodes already running the service are few and
are sorted plainly.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Iterator
from heapq import merge

from domain.ids import ServiceId
from domain.scheduling.cluster import FITS, Cell, Cluster, View
from domain.scheduling.placement import Candidate
from domain.scheduling.request import PlacementRequest, Strategy

# A random draw from a whole tier is retried (up to _MAX_DRAWS times, which at a quarter
# open fails once in 10**4) while at least a quarter of its nodes are open; otherwise
# the open nodes are listed and one of them is drawn.
_MIN_OPEN_SHARE = 4
_MAX_DRAWS = 32

_SortKey = tuple[float, ...]


class Ranking:
    """How one request orders the open nodes of its view, best first."""

    def __init__(
        self,
        cluster: Cluster,
        view: View,
        request: PlacementRequest,
        category: list[int],
        top: int,
    ) -> None:
        service: ServiceId = request.service_id
        self.cluster, self.view, self.category, self.top = cluster, view, category, top
        self.strategy = request.strategy
        self.cpu, self.memory = request.cpu_request_millis, request.memory_request_mb
        self.on_nodes = cluster.replicas.setdefault(service, {})
        self.spread = [cluster.domain_count(service, k) for k in request.spread_by]
        self.rng = random.Random(request.seed)
        self.cpu_first = cluster.cpu_is_main(self.cpu, self.memory)
        self.fit_from = (
            (self.cpu, self.memory, -1) if self.cpu_first else (self.memory, self.cpu, -1)
        )
        is_least_loaded = self.strategy is Strategy.LEAST_LOADED
        self.by_load = cluster.least_loaded(view) if is_least_loaded else []
        is_best_fit = self.strategy is Strategy.BEST_FIT
        self.by_fit = cluster.best_fit(view, cpu_first=self.cpu_first) if is_best_fit else []
        self.blocked: set[int] = set()

    def rank(
        self, live: list[Cell], open_count: dict[int, int], stacked: list[int], blocked: set[int]
    ) -> list[int]:
        """Up to ``top`` nodes, best first: tiers of fresh nodes, then nodes running some."""
        self.blocked = blocked
        picked: list[int] = []
        for tier in self._tiers(live, open_count):
            picked.extend(self._pick(tier, open_count, self.top - len(picked), first=not picked))
            if len(picked) >= self.top:
                return picked
        if stacked:
            picked.extend(self._rank_stacked(stacked, first=not picked))
        return picked[: self.top]

    def candidate(self, i: int) -> Candidate:
        """The facts behind node ``i``'s rank, as the explanation shows them."""
        c = self.cluster
        cell = self.view.cells[self.view.cell_of[i]]
        if self.strategy is Strategy.LEAST_LOADED:
            score = 50 * (c.free_cpu[i] / c.cap_cpu[i] + c.free_memory[i] / c.cap_memory[i])
        elif self.strategy is Strategy.BEST_FIT and self.cpu_first:
            score = float(self.cpu - c.free_cpu[i])
        elif self.strategy is Strategy.BEST_FIT:
            score = float(self.memory - c.free_memory[i])
        elif self.strategy is Strategy.ROUND_ROBIN:
            score = float(-self._steps(i))
        else:
            score = 0.0
        return Candidate(
            c.ids[i],
            c.names[i],
            self.on_nodes.get(i, 0),
            self._domain_replicas(cell),
            cell.preference,
            score,
        )

    def _tiers(self, live: list[Cell], open_count: dict[int, int]) -> Iterator[list[Cell]]:
        """Cells with open nodes, grouped by fewest replicas in their domains, then preference."""
        if self.spread:
            keyed = sorted(
                (self._domain_replicas(cell), -cell.preference, cell.index)
                for cell in live
                if open_count[cell.index] > 0
            )
            cells = self.view.cells
            order = [(spread, preference, cells[i]) for spread, preference, i in keyed]
        else:
            order = [
                (0, -cell.preference, cell)
                for cell in self.view.by_preference
                if open_count.get(cell.index, 0) > 0
            ]
        tier: list[Cell] = []
        last = (0, 0)
        for spread, preference, cell in order:
            if tier and (spread, preference) != last:
                yield tier
                tier = []
            last = (spread, preference)
            tier.append(cell)
        if tier:
            yield tier

    def _domain_replicas(self, cell: Cell) -> int:
        return sum(c.get(v, 0) for c, v in zip(self.spread, cell.spread_values, strict=True))

    def _open(self, i: int) -> bool:
        """Whether a node of a live cell fits the replica and runs none of the service yet."""
        return self.category[i] == FITS and i not in self.on_nodes and i not in self.blocked

    def _pick(
        self, tier: list[Cell], open_count: dict[int, int], need: int, *, first: bool
    ) -> list[int]:
        """The best ``need`` open nodes of one tier, in the strategy's order."""
        if self.strategy is Strategy.RANDOM:
            return self._pick_random(tier, open_count, need, first=first)
        found: list[tuple[_SortKey, int]] = []
        for cell in tier:
            found.extend(self._scan(cell, need))
        if len(tier) > 1:
            found.sort()
        return [i for _, i in found[:need]]

    def _scan(self, cell: Cell, need: int) -> list[tuple[_SortKey, int]]:
        """Up to ``need`` open nodes of a cell, best first, each with its sort key."""
        out: list[tuple[_SortKey, int]] = []
        category, on_nodes, blocked = self.category, self.on_nodes, self.blocked
        if self.strategy is Strategy.LEAST_LOADED:
            for by_load in self.by_load[cell.index]:
                i = by_load[1]
                if category[i] == FITS and i not in on_nodes and i not in blocked:
                    out.append((by_load, i))
                    if len(out) == need:
                        break
        elif self.strategy is Strategy.BEST_FIT:
            by_fit = self.by_fit[cell.index]
            # Nodes before this point lack the main resource: skip them all at once.
            for p in range(bisect_left(by_fit, self.fit_from), len(by_fit)):
                i = by_fit[p][2]
                if category[i] == FITS and i not in on_nodes and i not in blocked:
                    out.append((by_fit[p], i))
                    if len(out) == need:
                        break
        else:
            for i in self._rotation(cell.nodes):
                if category[i] == FITS and i not in on_nodes and i not in blocked:
                    out.append(((self._steps(i),), i))
                    if len(out) == need:
                        break
        return out

    def _rotation(self, nodes: list[int]) -> Iterator[int]:
        start = bisect_left(nodes, self.cluster.cursor)
        yield from nodes[start:]
        yield from nodes[:start]

    def _steps(self, i: int) -> int:
        return (i - self.cluster.cursor) % len(self.cluster.names)

    def _pick_random(
        self, tier: list[Cell], open_count: dict[int, int], need: int, *, first: bool
    ) -> list[int]:
        """A seeded draw among the tier's open nodes first, then the others by name."""
        picked = [self._draw(tier, open_count)] if first else []
        for i in merge(*(cell.nodes for cell in tier)):
            if len(picked) >= need:
                break
            if self._open(i) and (not first or i != picked[0]):
                picked.append(i)
        return picked

    def _draw(self, tier: list[Cell], open_count: dict[int, int]) -> int:
        """A uniform draw among the open nodes of a tier, from the request's seeded generator."""
        total = sum(len(cell.nodes) for cell in tier)
        opened = sum(open_count[cell.index] for cell in tier)
        if opened * _MIN_OPEN_SHARE >= total:
            for _ in range(_MAX_DRAWS):
                drawn = self.rng.randrange(total)
                for cell in tier:
                    if drawn < len(cell.nodes):
                        if self._open(cell.nodes[drawn]):
                            return cell.nodes[drawn]
                        break
                    drawn -= len(cell.nodes)
        choices = [i for cell in tier for i in cell.nodes if self._open(i)]
        return choices[self.rng.randrange(len(choices))]

    def _rank_stacked(self, stacked: list[int], *, first: bool) -> list[int]:
        """Nodes already running the service, fewest replicas first; few, so sorted plainly."""
        ranked = sorted(stacked, key=self._stacked_key)
        if first and self.strategy is Strategy.RANDOM:
            best = self._stacked_key(ranked[0])[:3]
            tied = [i for i in ranked if self._stacked_key(i)[:3] == best]
            chosen = tied[self.rng.randrange(len(tied))]
            ranked.remove(chosen)
            ranked.insert(0, chosen)
        return ranked

    def _stacked_key(self, i: int) -> tuple[int, int, int, _SortKey]:
        cell = self.view.cells[self.view.cell_of[i]]
        return (self.on_nodes[i], self._domain_replicas(cell), -cell.preference, self._key(i))

    def _key(self, i: int) -> _SortKey:
        c = self.cluster
        if self.strategy is Strategy.LEAST_LOADED:
            return c.load_key(i)
        if self.strategy is Strategy.BEST_FIT and self.cpu_first:
            return (c.free_cpu[i], c.free_memory[i], i)
        if self.strategy is Strategy.BEST_FIT:
            return (c.free_memory[i], c.free_cpu[i], i)
        if self.strategy is Strategy.ROUND_ROBIN:
            return (self._steps(i),)
        return (i,)
