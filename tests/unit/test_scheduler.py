"""The placement scheduler: strategies, filters, spreading, preferences and explanations."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest

from domain.errors import InvalidValueError
from domain.ids import NodeId, OrganizationId, ServiceId
from domain.node import Capacity, Node, NodeKind, NodeState
from domain.scheduling import (
    AntiAffinity,
    DomainLimit,
    FilterGroup,
    FilterReason,
    LabelRequirement,
    LabelSelector,
    NodeSnapshot,
    PlacementRequest,
    PreferredTerm,
    Scheduler,
    Strategy,
    place,
)
from tests.unit.given import ACTOR, at

WEB = ServiceId(uuid.UUID(int=1))
DB = ServiceId(uuid.UUID(int=2))
ONE_PER_NODE = AntiAffinity(max_per_node=1)


def node(
    name: str,
    *,
    state: NodeState = NodeState.READY,
    cpu: int = 4000,
    memory: int = 8192,
    used_cpu: int = 0,
    used_memory: int = 0,
    running: dict[ServiceId, int] | None = None,
    **labels: str,
) -> NodeSnapshot:
    return NodeSnapshot(
        NodeId(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
        name,
        state,
        Capacity(cpu, memory),
        used_cpu,
        used_memory,
        labels,
        running or {},
    )


def request(replicas: int = 1, **fields: Any) -> PlacementRequest:
    base = PlacementRequest(WEB, replicas, cpu_request_millis=500, memory_request_mb=512)
    return replace(base, **fields)


def chosen(nodes: list[NodeSnapshot], req: PlacementRequest) -> list[str | None]:
    return [d.node_name for d in place(req, nodes).decisions]


def groups(decision_filtered: tuple[FilterGroup, ...]) -> dict[FilterReason, int]:
    return {g.reason: g.count for g in decision_filtered}


FOUR = [
    node("a", used_cpu=1000, used_memory=6144),  # free: 75 % CPU, 25 % memory -> 50 %
    node("b", used_cpu=3000, used_memory=1024),  # free: 25 % CPU, 87.5 % memory -> 56.25 %
    node("c"),  # free: 100 %
    node("d", used_cpu=2000, used_memory=4096),  # free: 50 %
]


# --- strategies ----------------------------------------------------------------------


def test_round_robin_places_replicas_on_nodes_in_name_order() -> None:
    placement = place(request(6, strategy=Strategy.ROUND_ROBIN), FOUR)
    assert [d.node_name for d in placement.decisions] == ["a", "b", "c", "d", "a", "b"]


def test_round_robin_continues_after_the_last_node_used_across_requests() -> None:
    scheduler = Scheduler(FOUR)
    first = scheduler.place(request(3, strategy=Strategy.ROUND_ROBIN))
    second = scheduler.place(replace(request(2, strategy=Strategy.ROUND_ROBIN), service_id=DB))
    assert [d.node_name for d in first.decisions] == ["a", "b", "c"]
    assert [d.node_name for d in second.decisions] == ["d", "a"]


def test_least_loaded_prefers_the_node_with_the_largest_free_share() -> None:
    placement = place(request(4, strategy=Strategy.LEAST_LOADED, anti_affinity=ONE_PER_NODE), FOUR)
    assert [d.node_name for d in placement.decisions] == ["c", "b", "a", "d"]
    first = placement.decisions[0]
    assert [(c.node_name, c.score) for c in first.candidates] == [
        ("c", 100.0),
        ("b", 56.25),
        ("a", 50.0),  # ties with d: the name decides
    ]


def test_least_loaded_counts_replicas_placed_earlier_in_the_request() -> None:
    nodes = [node("a", cpu=2000, memory=2048), node("b", cpu=1000, memory=1024)]
    # Spreading puts one on each; then a (75 % free) beats b (50 % free); then b has fewer.
    assert chosen(nodes, request(4, strategy=Strategy.LEAST_LOADED)) == ["a", "b", "a", "b"]


def test_least_loaded_counts_what_earlier_requests_placed() -> None:
    nodes = [node("a"), node("b"), node("c")]
    scheduler = Scheduler(nodes)
    services = [ServiceId(uuid.UUID(int=n)) for n in range(10, 13)]
    placed = [scheduler.place(request(service_id=s)).decisions[0].node_name for s in services]
    assert placed == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("used_cpu", "used_memory", "main", "other"),
    [
        (0, 6144, "memory_request_mb", "cpu_request_millis"),
        (2000, 0, "cpu_request_millis", "memory_request_mb"),
    ],
)
def test_best_fit_counts_what_requests_with_other_rules_placed_since(
    used_cpu: int, used_memory: int, main: str, other: str
) -> None:
    a = node("a", used_cpu=used_cpu, used_memory=used_memory, disk="ssd")
    b = node("b", used_cpu=used_cpu * 13 // 12, used_memory=used_memory * 13 // 12)
    scheduler = Scheduler([a, b])  # b starts a little fuller than a
    ssd = LabelSelector.of(LabelRequirement.is_in("disk", "ssd"))

    def fit(size: int, **fields: Any) -> str | None:
        sized: dict[str, Any] = {main: size, other: 0, "strategy": Strategy.BEST_FIT}
        req = replace(request(), **sized, **fields)
        return scheduler.place(req).decisions[0].node_name

    assert fit(100_000) is None  # builds the unfiltered orderings before anything changes
    assert fit(1000, node_selector=ssd, service_id=DB) == "a"  # now a is the fuller node
    assert fit(100) == "a"


def test_best_fit_packs_the_node_with_the_least_free_memory_that_fits() -> None:
    nodes = [
        node("a", used_memory=7680),  # 512 MiB free: fits exactly once
        node("b", used_memory=6144),  # 2 GiB free
        node("c", used_memory=7900),  # 292 MiB free: too little
        node("d"),
    ]
    scheduler = Scheduler(nodes)
    web = scheduler.place(request(2, strategy=Strategy.BEST_FIT, cpu_request_millis=0))
    db = scheduler.place(
        request(2, strategy=Strategy.BEST_FIT, cpu_request_millis=0, service_id=DB)
    )
    assert [d.node_name for d in web.decisions + db.decisions] == ["a", "b", "b", "d"]
    assert [c.score for c in web.decisions[0].candidates] == [0.0, -1536.0, -7680.0]


def test_best_fit_orders_by_cpu_when_the_replica_asks_mostly_for_cpu() -> None:
    nodes = [node("a", used_cpu=3000, used_memory=0), node("b", used_cpu=0, used_memory=7000)]
    placement = place(
        request(1, strategy=Strategy.BEST_FIT, cpu_request_millis=1000, memory_request_mb=64),
        nodes,
    )
    assert placement.decisions[0].node_name == "a"
    assert placement.decisions[0].candidates[0].score == 0.0  # no CPU left after placing


def test_random_picks_among_the_best_nodes_reproducibly_for_a_seed() -> None:
    nodes = [node(f"n{i}") for i in range(8)] + [node("z", zone="eu-1")]
    prefer = (PreferredTerm(10, LabelSelector.of(LabelRequirement.exists("zone"))),)
    req = request(3, strategy=Strategy.RANDOM, seed=7, anti_affinity=ONE_PER_NODE)
    first = chosen(nodes, req)
    assert first == chosen(nodes, req)
    assert len(set(first)) == 3
    assert chosen(nodes, replace(req, preferred=prefer))[0] == "z"


def test_random_gives_different_placements_for_different_seeds() -> None:
    nodes = [node(f"n{i:02d}") for i in range(20)]
    placements = {
        tuple(chosen(nodes, request(5, strategy=Strategy.RANDOM, seed=seed))) for seed in range(5)
    }
    assert len(placements) > 1


def test_placement_does_not_depend_on_the_order_nodes_are_listed() -> None:
    for strategy in Strategy:
        req = request(6, strategy=strategy, seed=3)
        assert place(req, FOUR) == place(req, list(reversed(FOUR)))


# --- filters -------------------------------------------------------------------------


def test_cordoned_draining_and_unreachable_nodes_receive_nothing_and_are_explained() -> None:
    nodes = [
        node("a", state=NodeState.CORDONED),
        node("b", state=NodeState.DRAINING),
        node("c", state=NodeState.UNREACHABLE),
        node("d", state=NodeState.UNREACHABLE),
        node("e"),
    ]
    placement = place(request(3), nodes)
    assert placement.node_ids == (nodes[4].node_id,) * 3
    assert placement.decisions[0].filtered == (
        FilterGroup(FilterReason.CORDONED, 1, ("a",)),
        FilterGroup(FilterReason.DRAINING, 1, ("b",)),
        FilterGroup(FilterReason.UNREACHABLE, 2, ("c", "d")),
    )


def test_nodes_without_enough_cpu_or_memory_are_filtered_with_their_reason() -> None:
    nodes = [
        node("a", used_cpu=3800),
        node("b", used_memory=8000),
        node("c", used_cpu=3900, used_memory=8000),  # lacks both: counted as CPU
        node("d"),
    ]
    decision = place(request(), nodes).decisions[0]
    assert decision.node_name == "d"
    assert decision.filtered == (
        FilterGroup(FilterReason.INSUFFICIENT_CPU, 2, ("a", "c")),
        FilterGroup(FilterReason.INSUFFICIENT_MEMORY, 1, ("b",)),
    )


def test_replicas_placed_earlier_in_the_request_count_against_capacity() -> None:
    nodes = [node("a", cpu=1000, memory=1024)]
    placement = place(request(3), nodes)
    assert [d.node_name for d in placement.decisions] == ["a", "a", None]
    assert groups(placement.decisions[2].filtered) == {FilterReason.INSUFFICIENT_CPU: 1}


def test_a_node_is_never_overcommitted_even_by_a_single_replica() -> None:
    nodes = [node("a", cpu=1000, memory=511)]
    assert chosen(nodes, request()) == [None]


@pytest.mark.parametrize(
    ("requirement", "matching"),
    [
        (LabelRequirement.is_in("zone", "eu-1", "eu-2"), ["a", "b"]),
        (LabelRequirement.not_in("zone", "eu-1"), ["b", "c"]),
        (LabelRequirement.exists("zone"), ["a", "b"]),
        (LabelRequirement.does_not_exist("zone"), ["c"]),
    ],
)
def test_required_node_affinity_filters_nodes_by_label_expression(
    requirement: LabelRequirement, matching: list[str]
) -> None:
    nodes = [node("a", zone="eu-1"), node("b", zone="eu-2"), node("c")]
    req = request(3, node_selector=LabelSelector.of(requirement), anti_affinity=ONE_PER_NODE)
    placement = place(req, nodes)
    assert sorted(n for n in (d.node_name for d in placement.decisions) if n) == matching
    assert placement.decisions[0].filtered == (
        FilterGroup(
            FilterReason.NODE_SELECTOR,
            3 - len(matching),
            tuple(sorted({"a", "b", "c"} - set(matching))),
        ),
    )


def test_label_requirements_of_a_selector_must_all_hold() -> None:
    nodes = [node("a", zone="eu-1"), node("b", zone="eu-1", disk="ssd"), node("c", disk="ssd")]
    selector = LabelSelector.of(
        LabelRequirement.is_in("zone", "eu-1"), LabelRequirement.is_in("disk", "ssd")
    )
    assert chosen(nodes, request(2, node_selector=selector)) == ["b", "b"]


def test_max_per_node_anti_affinity_filters_nodes_already_running_the_service() -> None:
    nodes = [node("a", running={WEB: 1}), node("b"), node("c")]
    placement = place(request(3, anti_affinity=ONE_PER_NODE), nodes)
    assert [d.node_name for d in placement.decisions] == ["b", "c", None]
    assert placement.decisions[1].filtered == (
        FilterGroup(FilterReason.MAX_PER_NODE, 2, ("a", "b")),
    )


def test_max_per_domain_anti_affinity_caps_replicas_per_zone() -> None:
    nodes = [node(f"{z}{i}", zone=z) for z in ("x", "y") for i in range(3)]
    rules = AntiAffinity(max_per_node=1, per_domain=(DomainLimit("zone", 2),))
    placement = place(request(5, anti_affinity=rules, strategy=Strategy.ROUND_ROBIN), nodes)
    assert [d.node_name for d in placement.decisions] == ["x0", "x1", "y0", "y1", None]
    assert groups(placement.decisions[4].filtered) == {
        FilterReason.MAX_PER_NODE: 4,
        FilterReason.MAX_PER_DOMAIN: 2,
    }
    assert placement.decisions[4].filtered[1].names == ("x2", "y2")


def test_nodes_lacking_the_topology_label_form_one_domain() -> None:
    nodes = [node("a"), node("b"), node("c", zone="x")]
    rules = AntiAffinity(max_per_node=1, per_domain=(DomainLimit("zone", 1),))
    assert chosen(nodes, request(3, anti_affinity=rules)) == ["a", "c", None]


def test_avoided_services_keep_replicas_off_their_nodes() -> None:
    nodes = [node("a", running={DB: 1}), node("b")]
    req = request(2, anti_affinity=AntiAffinity(avoid_services=frozenset({DB})))
    placement = place(req, nodes)
    assert [d.node_name for d in placement.decisions] == ["b", "b"]
    assert placement.decisions[0].filtered == (
        FilterGroup(FilterReason.AVOIDED_SERVICE, 1, ("a",)),
    )


def test_filters_run_in_order_and_each_node_is_counted_once() -> None:
    nodes = [
        node("a", state=NodeState.CORDONED, disk="hdd"),
        node("b", disk="hdd", used_cpu=4000),
        node("c", disk="ssd", used_cpu=4000, running={WEB: 1}),
        node("d", disk="ssd", used_cpu=4000),
    ]
    req = request(
        node_selector=LabelSelector.of(LabelRequirement.is_in("disk", "ssd")),
        anti_affinity=ONE_PER_NODE,
    )
    assert groups(place(req, nodes).decisions[0].filtered) == {
        FilterReason.CORDONED: 1,
        FilterReason.NODE_SELECTOR: 1,
        FilterReason.MAX_PER_NODE: 1,
        FilterReason.INSUFFICIENT_CPU: 1,
    }


# --- ranking -------------------------------------------------------------------------


def test_fewer_replicas_of_the_service_on_a_node_rank_higher() -> None:
    nodes = [node("a", running={WEB: 2}), node("b", running={WEB: 1}), node("c")]
    assert chosen(nodes, request(4)) == ["c", "b", "c", "a"]


def test_spread_by_zone_puts_replicas_in_the_zone_with_the_fewest_first() -> None:
    nodes = [node("a1", zone="a"), node("a2", zone="a"), node("a3", zone="a"), node("b1", zone="b")]
    req = request(3, spread_by=("zone",), anti_affinity=ONE_PER_NODE)
    assert chosen(nodes, req) == ["a1", "b1", "a2"]


def test_preferred_affinity_ranks_matching_nodes_first_by_weight() -> None:
    nodes = [
        node("a"),
        node("b", disk="ssd"),
        node("c", zone="eu-1"),
        node("d", disk="ssd", zone="eu-1"),
    ]
    preferred = (
        PreferredTerm(30, LabelSelector.of(LabelRequirement.is_in("disk", "ssd"))),
        PreferredTerm(20, LabelSelector.of(LabelRequirement.is_in("zone", "eu-1"))),
    )
    placement = place(request(4, preferred=preferred, anti_affinity=ONE_PER_NODE), nodes)
    assert [d.node_name for d in placement.decisions] == ["d", "b", "c", "a"]
    assert [c.preference for c in placement.decisions[0].candidates] == [50, 30, 20]


def test_preference_outranks_load() -> None:
    nodes = [node("busy", used_cpu=3000, zone="eu-1"), node("idle")]
    preferred = (PreferredTerm(1, LabelSelector.of(LabelRequirement.exists("zone"))),)
    assert chosen(nodes, request(preferred=preferred)) == ["busy"]


# --- explanations --------------------------------------------------------------------


def test_an_unplaceable_replica_is_explained_in_one_line() -> None:
    nodes = [
        node("a", state=NodeState.CORDONED),
        node("b", state=NodeState.CORDONED),
        node("c", state=NodeState.UNREACHABLE),
        node("d", used_memory=8000),
    ]
    decision = place(request(), nodes).decisions[0]
    assert decision.node_id is None and decision.candidates == ()
    assert decision.reason == (
        "no node fits 500m CPU and 512 MiB: 2 cordoned, 1 unreachable, 1 lack memory"
    )


def test_every_later_replica_repeats_the_refusal() -> None:
    placement = place(request(4), [node("a", cpu=1000)])
    assert [d.placed for d in placement.decisions] == [True, True, False, False]
    assert placement.decisions[3].replica == 3
    assert placement.decisions[3].reason == placement.decisions[2].reason
    assert not placement.complete and len(placement.unplaced) == 2


def test_without_nodes_the_reason_says_so() -> None:
    assert place(request(), []).decisions[0].reason == "no nodes to place on"


def test_a_filter_group_names_a_few_nodes_and_counts_the_rest() -> None:
    nodes = [node(f"n{i}", state=NodeState.CORDONED) for i in range(8)] + [node("z")]
    [group] = place(request(), nodes).decisions[0].filtered
    assert group == FilterGroup(FilterReason.CORDONED, 8, ("n0", "n1", "n2", "n3", "n4"))
    assert str(group) == "8 cordoned (n0, n1, n2, n3, n4 and 3 more)"


def test_the_explanation_lists_the_top_candidates_and_counts_them_all() -> None:
    nodes = [node(f"n{i}") for i in range(10)]
    decision = Scheduler(nodes, top=2).place(request(strategy=Strategy.ROUND_ROBIN)).decisions[0]
    assert [c.node_name for c in decision.candidates] == ["n0", "n1"]
    assert decision.candidate_count == 10


def test_describe_tells_the_choice_the_candidates_and_the_filtered() -> None:
    nodes = [node("a", state=NodeState.DRAINING), node("b"), node("c", used_memory=8192)]
    text = place(request(2, anti_affinity=ONE_PER_NODE), nodes).describe()
    assert text.splitlines() == [
        f"service {WEB}: 1 of 2 replicas placed (least_loaded, 500m CPU and 512 MiB each)",
        "replica 0: b",
        "  candidates (1): b [on node 0, in domain 0, preference 0, score 100]",
        "  filtered: 1 draining (a); 1 lack memory (c)",
        "replica 1: unplaced, no node fits 500m CPU and 512 MiB: 1 draining, "
        "1 at the replica limit per node, 1 lack memory",
    ]


# --- inputs and outputs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"replicas": -1}, "replicas"),
        ({"cpu_request_millis": -1}, "cpu_request_millis"),
        ({"memory_request_mb": -5}, "memory_request_mb"),
        ({"anti_affinity": AntiAffinity(max_per_node=0)}, "max_per_node"),
        ({"anti_affinity": AntiAffinity(per_domain=(DomainLimit("zone", 0),))}, "max_replicas"),
        ({"anti_affinity": AntiAffinity(per_domain=(DomainLimit("", 1),))}, "topology_key"),
        ({"spread_by": ("",)}, "spread_by"),
        ({"preferred": (PreferredTerm(0, LabelSelector()),)}, "weight"),
        ({"preferred": (PreferredTerm(101, LabelSelector()),)}, "weight"),
        ({"node_selector": LabelSelector.of(LabelRequirement.is_in("zone"))}, "needs at least"),
        (
            {
                "node_selector": LabelSelector.of(
                    LabelRequirement(
                        "zone", LabelRequirement.exists("x").operator, frozenset({"a"})
                    )
                )
            },
            "takes no values",
        ),
        ({"node_selector": LabelSelector.of(LabelRequirement.exists(""))}, "selector.key"),
    ],
)
def test_a_malformed_request_is_rejected(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        place(replace(request(), **fields), FOUR)


def test_zero_replicas_give_an_empty_placement() -> None:
    placement = place(request(0), FOUR)
    assert placement.decisions == () and placement.complete


def test_a_node_listed_twice_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="twice"):
        Scheduler([FOUR[0], FOUR[0]])


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        (replace(FOUR[0], name=""), "node.name"),
        (replace(FOUR[0], capacity=Capacity(0, 1024)), "cpu_millis"),
        (replace(FOUR[0], allocated_memory_mb=-1), "node.allocated"),
        (replace(FOUR[0], replicas={WEB: -1}), "node.replicas"),
    ],
)
def test_a_malformed_node_snapshot_is_rejected(snapshot: NodeSnapshot, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        Scheduler([snapshot])


def test_the_scheduler_snapshot_shows_what_it_placed() -> None:
    scheduler = Scheduler([node("a", used_cpu=100, used_memory=100, running={DB: 1})])
    scheduler.place(request(2))
    [a] = scheduler.snapshot()
    assert (a.allocated_cpu_millis, a.allocated_memory_mb) == (1100, 1124)
    assert a.replicas == {DB: 1, WEB: 2}


def test_a_snapshot_can_be_taken_of_a_node_aggregate() -> None:
    aggregate = Node.register(
        NodeId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        "edge-1",
        NodeKind.DOCKER,
        "tcp://10.0.0.2:2376",
        Capacity(2000, 4096),
        {"zone": "eu-1"},
        actor=ACTOR,
        now=at(),
    )
    aggregate.cordon(actor=ACTOR, now=at(1))
    snapshot = NodeSnapshot.of(aggregate, allocated_cpu_millis=500, replicas={WEB: 1})
    assert snapshot.state is NodeState.CORDONED and snapshot.labels == {"zone": "eu-1"}
    assert (snapshot.allocated_cpu_millis, snapshot.replicas) == (500, {WEB: 1})
