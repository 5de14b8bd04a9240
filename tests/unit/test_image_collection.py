"""Collecting unreferenced images (issue 18): which of an engine's images may go. Only this
installation's images; never one a container was made from, one too young for its build to be
recorded, one a live, unfinished or once-healthy release (a rollback target) names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.fake_runtime import InMemoryRuntime
from adapters.fakes import FakeClock
from application.processes.images import (
    GRACE,
    ImageCollector,
    kept_references,
    release_tag,
    unreferenced,
)
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED, ORGANIZATION
from application.readmodels import DeploymentRow
from application.runtime_ports import ContainerRuntime, ContainerSpec, LabelledImage

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
OLD = NOW - GRACE - timedelta(minutes=1)
OURS = {MANAGED: "true", INSTANCE: "acme"}


def image(name: str, *, labels: dict[str, str] | None = None, **more: Any) -> LabelledImage:
    fields: dict[str, Any] = {
        "id": f"sha256:{name}",
        "tags": [f"containr/s:{name}"],
        "digests": [],
        "labels": OURS if labels is None else labels,
        "created": OLD,
        "in_use": False,
    }
    fields.update(more)
    return LabelledImage(**fields)


def names(images: list[LabelledImage]) -> list[str]:
    return [i.id.removeprefix("sha256:") for i in images]


def collectable(
    images: list[LabelledImage],
    kept: frozenset[str] = frozenset(),
    busy: frozenset[str] = frozenset(),
) -> list[str]:
    return names(unreferenced(images, instance="acme", kept=kept, busy=busy, now=NOW))


def test_an_image_of_this_installation_that_nothing_names_goes() -> None:
    assert collectable([image("a")]) == ["a"]


def test_images_of_other_installations_and_unlabelled_ones_are_never_touched() -> None:
    other = image("other", labels={MANAGED: "true", INSTANCE: "someone-else"})
    bare = image("bare", labels={})
    unmanaged = image("unmanaged", labels={INSTANCE: "acme"})
    assert collectable([other, bare, unmanaged]) == []


def test_an_image_a_container_was_made_from_stays() -> None:
    assert collectable([image("a", in_use=True)]) == []


def test_an_image_younger_than_the_grace_period_stays_its_build_may_not_be_recorded_yet() -> None:
    young = image("young", created=NOW - GRACE + timedelta(seconds=1))
    assert collectable([young, image("old")]) == ["old"]


def test_an_image_named_by_a_kept_tag_digest_or_id_stays() -> None:
    by_tag = image("t")
    by_digest = image("d", digests=["registry.local/s@sha256:abc"])
    by_id = image("i")
    kept = {"containr/s:t", "registry.local/s@sha256:abc", "sha256:i"}
    assert collectable([by_tag, by_digest, by_id, image("x")], frozenset(kept)) == ["x"]


def test_an_image_built_for_an_unfinished_release_stays() -> None:
    building = image("b", labels={**OURS, DEPLOYMENT: "d-1"})
    assert collectable([building], busy=frozenset({"d-1"})) == []


def release(
    state: str, *, healthy_once: bool = False, image: str | None = "img", **more: Any
) -> DeploymentRow:
    history = [
        {"state": "queued"},
        *([{"state": "healthy"}] if healthy_once else []),
        {"state": state},
    ]
    fields: dict[str, Any] = {
        "id": uuid.uuid4(), "organization_id": uuid.uuid4(), "project_id": uuid.uuid4(),
        "service_id": uuid.uuid4(), "environment_id": uuid.uuid4(), "trigger": "manual",
        "state": state, "reason": "", "commit": None, "commit_message": None,
        "commit_author": None, "image": image, "rollback_of": None, "variables_version": [0, 0],
        "requested_by": "user:a", "requested_at": NOW, "updated_at": NOW, "finished_at": None,
        "deadline": None, "history": history,
    }  # fmt: skip
    fields.update(more)
    return DeploymentRow(**fields)


def test_live_unfinished_and_once_healthy_releases_keep_their_images_and_tags() -> None:
    live = release("healthy", healthy_once=True, image="registry/s@sha256:live")
    building = release("building", image=None)
    rollback_target = release("superseded", healthy_once=True, image="containr/s:old")
    never_healthy = release("failed", image="containr/s:broken")
    cancelled = release("cancelled", image="containr/s:cancelled")
    kept = kept_references([live, building, rollback_target, never_healthy, cancelled], [])
    assert kept == {
        "registry/s@sha256:live",
        release_tag(live.service_id, live.id),
        release_tag(building.service_id, building.id),
        "containr/s:old",
        release_tag(rollback_target.service_id, rollback_target.id),
    }


def test_a_deleted_services_past_releases_are_no_rollback_target() -> None:
    gone = release("superseded", healthy_once=True, image="containr/gone:1")
    assert kept_references([gone], [gone.service_id]) == frozenset()


class OneEngine:
    def __init__(self, runtime: ContainerRuntime) -> None:
        self.runtime = runtime

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.runtime


def test_the_collector_removes_every_tag_of_an_unreferenced_image_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    clock = FakeClock(NOW)
    runtime = InMemoryRuntime(clock=NOW.timestamp)
    org = str(uuid.uuid4())
    labels = {**OURS, ORGANIZATION: org}
    gone = runtime.add_image("containr/s:key1", labels)
    runtime.tag(gone.id, "containr/s:release-1")
    kept = runtime.add_image("containr/s:key2", labels)
    used = runtime.add_image("containr/s:key3", labels)
    runtime.create(ContainerSpec(name="c", image="containr/s:key3", labels={}))
    base = runtime.add_image("busybox:1")
    collector = ImageCollector(
        bus=None,  # type: ignore[arg-type]  # collect_engine reports nothing
        dashboard=None,  # type: ignore[arg-type]
        runtimes=OneEngine(runtime),
        clock=clock,
        instance="acme",
        local_endpoint="unix:///var/run/docker.sock",
    )
    clock.advance(GRACE + timedelta(minutes=1))
    collected = collector.collect_engine("local", frozenset({"containr/s:key2"}), frozenset())
    assert collected is not None
    assert collected.removed == {org: ["containr/s:key1"]}
    assert runtime.image(gone.id) is None
    assert {i.id for i in runtime.images.values()} == {kept.id, used.id, base.id}
