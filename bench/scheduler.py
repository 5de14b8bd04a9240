"""Scheduler: placements per second for each strategy beside a bare round-robin loop.

Run as `python -m bench.scheduler`. The scenario, built from a fixed seed: 1,000 labelled
nodes (zones, disks, mixed sizes, a few cordoned, draining or unreachable, some load
already) and 1,000 services of 10 replicas each. Every service allows one replica per
node; some also spread across zones, cap replicas per zone, need an SSD node, prefer a
zone, or avoid another service. Each strategy places all 10,000 replicas with full
explanations on a fresh Scheduler. The baseline, measured in the same run, assigns the
same replicas round-robin with a plain capacity check and explains nothing.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from dataclasses import replace

from bench.common import bench_line
from domain.ids import NodeId, ServiceId
from domain.node import Capacity, NodeState
from domain.scheduling import (
    AntiAffinity,
    DomainLimit,
    LabelRequirement,
    LabelSelector,
    NodeSnapshot,
    Placement,
    PlacementRequest,
    PreferredTerm,
    Scheduler,
    Strategy,
)

NODES = int(os.environ.get("BENCH_NODES", "1000"))
SERVICES = int(os.environ.get("BENCH_SERVICES", "1000"))
REPLICAS = 10
ZONES = ("eu-1", "eu-2", "eu-3", "eu-4")
SIZES = ((250, 256), (500, 512), (1000, 1024), (2000, 2048))
SHAPES = ((8000, 16384), (16000, 32768), (32000, 65536))
REPEATS = 3
BASELINE_REPEATS = 20


def scenario() -> tuple[list[NodeSnapshot], list[PlacementRequest]]:
    rng = random.Random(2026)
    nodes = []
    for n in range(NODES):
        cpu, memory = rng.choice(SHAPES)
        roll = rng.random()
        state = (
            NodeState.CORDONED
            if roll < 0.01
            else NodeState.DRAINING
            if roll < 0.02
            else NodeState.UNREACHABLE
            if roll < 0.03
            else NodeState.READY
        )
        labels = {"zone": ZONES[n % len(ZONES)], "disk": "ssd" if rng.random() < 0.3 else "hdd"}
        load = rng.random() * 0.2
        nodes.append(
            NodeSnapshot(
                NodeId(uuid.UUID(int=rng.getrandbits(128))),
                f"node-{n:04d}",
                state,
                Capacity(cpu, memory),
                int(cpu * load),
                int(memory * load),
                labels,
            )
        )
    services = [ServiceId(uuid.UUID(int=rng.getrandbits(128))) for _ in range(SERVICES)]
    requests = []
    for s, service in enumerate(services):
        cpu, memory = rng.choice(SIZES)
        per_domain = (DomainLimit("zone", 3),) if s % 10 == 3 else ()
        avoid = frozenset({services[s - 1]}) if s % 20 == 7 else frozenset()
        selector = (
            LabelSelector.of(LabelRequirement.is_in("disk", "ssd"))
            if s % 5 == 1
            else LabelSelector()
        )
        preferred = (
            (PreferredTerm(50, LabelSelector.of(LabelRequirement.is_in("zone", ZONES[s % 4]))),)
            if s % 5 == 2
            else ()
        )
        requests.append(
            PlacementRequest(
                service,
                REPLICAS,
                cpu,
                memory,
                seed=s,
                node_selector=selector,
                preferred=preferred,
                anti_affinity=AntiAffinity(1, per_domain, avoid),
                spread_by=("zone",) if s % 4 == 0 else (),
            )
        )
    return nodes, requests


def run_strategy(
    nodes: list[NodeSnapshot], requests: list[PlacementRequest], strategy: Strategy
) -> tuple[float, list[Placement]]:
    """Best-of-REPEATS seconds to place every request on a fresh scheduler, and the result."""
    requests = [replace(r, strategy=strategy) for r in requests]
    best = float("inf")
    placements: list[Placement] = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        scheduler = Scheduler(nodes)
        placements = [scheduler.place(r) for r in requests]
        best = min(best, time.perf_counter() - start)
    return best, placements


def baseline(nodes: list[NodeSnapshot], requests: list[PlacementRequest]) -> tuple[float, int]:
    """Best-of-BASELINE_REPEATS seconds for a bare round-robin loop with a capacity check only."""
    best = float("inf")
    placed = 0
    for _ in range(BASELINE_REPEATS):
        start = time.perf_counter()
        ready = [n for n in nodes if n.state is NodeState.READY]
        free_cpu = [n.capacity.cpu_millis - n.allocated_cpu_millis for n in ready]
        free_memory = [n.capacity.memory_mb - n.allocated_memory_mb for n in ready]
        chosen: list[NodeId | None] = []
        cursor, count = 0, len(ready)
        for r in requests:
            cpu, memory = r.cpu_request_millis, r.memory_request_mb
            for _ in range(r.replicas):
                for step in range(count):
                    i = (cursor + step) % count
                    if free_cpu[i] >= cpu and free_memory[i] >= memory:
                        free_cpu[i] -= cpu
                        free_memory[i] -= memory
                        chosen.append(ready[i].node_id)
                        cursor = i + 1
                        break
                else:
                    chosen.append(None)
        best = min(best, time.perf_counter() - start)
        placed = sum(1 for c in chosen if c is not None)
    return best, placed


def main() -> None:
    nodes, requests = scenario()
    replicas = sum(r.replicas for r in requests)
    print(f"{len(nodes)} nodes, {len(requests)} services, {replicas} replicas, best of {REPEATS}")
    base_seconds, base_placed = baseline(nodes, requests)
    base_rate = replicas / base_seconds
    print(
        f"{'bare round-robin loop':24} {base_seconds:7.3f} s {base_rate:11.0f} placements/s"
        f"  placed {base_placed}/{replicas}"
    )
    slowest = float("inf")
    sample = ""
    for strategy in Strategy:
        seconds, placements = run_strategy(nodes, requests, strategy)
        total = sum(len(p.decisions) for p in placements)
        placed = sum(len(p.node_ids) for p in placements)
        rate = total / seconds
        slowest = min(slowest, rate)
        print(
            f"{strategy.value:24} {seconds:7.3f} s {rate:11.0f} placements/s"
            f"  placed {placed}/{total}  ratio {rate / base_rate:.3f}"
        )
        sample = placements[-1].decisions[-1].describe()
    print(f"the last decision of the last run, as explained:\n{sample}")
    print(
        bench_line(
            "placements",
            slowest,
            "placements/s",
            base_rate,
            "bare_round_robin_capacity_check_loop_without_explanations",
        )
    )


if __name__ == "__main__":
    main()
