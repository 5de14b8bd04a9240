"""The event store's memory of committed aggregates hands every command a copy of its own."""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from application.eventstore import CommittedAggregates
from domain.base import ContainrAggregate
from domain.ids import DeploymentId, OrganizationId, ProjectId, ServiceId, UserId
from domain.organization import Organization
from domain.service import Service
from tests.unit.given import ACTOR, at, given
from tests.unit.test_deployment import request
from tests.unit.test_service import WEB


def service() -> Service:
    return given(
        Service.create(
            ServiceId(uuid.uuid4()),
            OrganizationId(uuid.uuid4()),
            ProjectId(uuid.uuid4()),
            "web",
            WEB,
            actor=ACTOR,
            now=at(),
        )
    )


def state(aggregate: ContainrAggregate) -> bytes:
    return pickle.dumps(vars(aggregate))


def test_a_copy_equals_what_was_committed_and_changing_it_leaves_that_as_it_was() -> None:
    committed = service()
    before = state(committed)
    memory = CommittedAggregates(10)
    memory.put(committed)
    mine = memory.copy(committed.id)
    assert isinstance(mine, Service) and mine is not committed
    assert state(mine) == before
    # Events that change containers in place (a dict item, the pending events).
    mine.promote(uuid.uuid4(), DeploymentId(uuid.uuid4()), actor=ACTOR, now=at(1))
    mine.scale(3, actor=ACTOR, now=at(2))
    assert len(mine.pending_events) == 2
    assert state(committed) == before
    again = memory.copy(committed.id)
    assert again is not None and state(again) == before and not again.pending_events


def test_a_copy_of_an_aggregate_read_from_the_database_is_not_the_one_the_reader_changes() -> None:
    loaded = service()
    before = state(loaded)
    memory = CommittedAggregates(10)
    memory.put(loaded, copy=True)
    loaded.promote(uuid.uuid4(), DeploymentId(uuid.uuid4()), actor=ACTOR, now=at(1))
    copied = memory.copy(loaded.id)
    assert copied is not None and state(copied) == before


def test_containers_of_changeable_values_are_copied_deeply() -> None:
    committed = service()
    nested: dict[str, Any] = {"inner": [1, 2]}
    committed.__dict__["extra"] = nested  # something no domain class holds today
    memory = CommittedAggregates(10)
    memory.put(committed)
    mine = memory.copy(committed.id)
    assert mine is not None
    mine.__dict__["extra"]["inner"].append(3)
    assert nested == {"inner": [1, 2]}


def test_every_kind_of_container_the_domain_changes_in_place_is_copied() -> None:
    org = given(
        Organization.create(
            OrganizationId(uuid.uuid4()),
            "Acme",
            "acme",
            UserId(uuid.uuid4()),
            actor=ACTOR,
            now=at(),
        )
    )
    deployment = given(request())
    memory = CommittedAggregates(10)
    for committed in (org, deployment):
        before = state(committed)
        memory.put(committed)
        mine = memory.copy(committed.id)
        assert mine is not None
        for value in vars(mine).values():
            if isinstance(value, dict | list | set):
                value.clear() if not isinstance(value, list) else value.append(None)
        assert state(committed) == before


def second_version(
    name: str, first: object, second: Callable[[Any], object]
) -> tuple[Service, Service]:
    """A service remembered (how to copy it worked out) with the attribute ``name`` at
    ``first``, then committed again, scaled, with it at ``second(first)``: version 2 as
    committed, and the copy of it the memory hands out."""
    service_v1 = service()
    service_v1.__dict__[name] = first
    memory = CommittedAggregates(10)
    memory.put(service_v1)
    committed = memory.copy(service_v1.id)  # works out how to copy version 1
    assert isinstance(committed, Service)
    committed.scale(3, actor=ACTOR, now=at(1))
    committed.collect_events()
    committed.__dict__[name] = second(first)
    memory.put(committed)  # version 2
    again = memory.copy(service_v1.id)
    assert isinstance(again, Service) and again.version == 2
    return committed, again


def test_an_attribute_a_command_made_changeable_is_copied_from_the_next_version_on() -> None:
    # Shared while it is None.
    committed, again = second_version("extra", None, lambda _: {"inner": [1]})
    before = state(committed)
    again.__dict__["extra"]["inner"].append(2)
    again.spec = None  # type: ignore[assignment]
    assert state(committed) == before


@dataclass(frozen=True)
class Settings:
    name: str
    items: Any


def test_a_frozen_value_replaced_by_one_holding_something_changeable_is_copied_deeply() -> None:
    # Shared while unchangeable; then a replace() of it whose one new field can change.
    committed, again = second_version(
        "settings", Settings("a", ("x",)), lambda s: replace(s, items=["x"])
    )
    before = state(committed)
    again.__dict__["settings"].items.append("y")
    assert state(committed) == before
