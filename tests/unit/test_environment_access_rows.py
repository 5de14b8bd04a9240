"""The dashboard's rows of environment access and share links: the mode, each link's dates
and maker, and never a token or its hash (issue 14)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from domain.environment_access import AccessMode, EnvironmentAccess
from domain.ids import EnvironmentId, OrganizationId, ProjectId
from domain.project import EnvironmentKind, Project
from projections.dashboard import ENVIRONMENT_ACCESS, SHARE_LINKS, DashboardProjection
from tests.unit.given import ACTOR, T0, at
from tests.unit.test_audit_entries import DictRowStore


def project(found: EnvironmentAccess, store: DictRowStore) -> None:
    projection = DashboardProjection()
    for event in found.collect_events():
        store.position += 1
        projection.process(event, store)


def test_the_mode_and_share_links_are_read_back_without_their_tokens() -> None:
    org, proj, env = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    found = EnvironmentAccess.open(org, proj, env, actor=ACTOR, now=T0)
    store = DictRowStore()
    project(found, store)
    access = store.get(ENVIRONMENT_ACCESS, EnvironmentAccess.id_for(env))
    assert access is not None
    assert (access["mode"], access["environment_id"], access["organization_id"]) == (
        "public",
        env,
        org,
    )

    found.change_mode(AccessMode.MEMBERS, actor=ACTOR, now=at(1))
    kept, gone = uuid.uuid4(), uuid.uuid4()
    digest = hashlib.sha256(b"shr_secret").hexdigest()
    found.create_share_link(kept, digest, 2, actor=ACTOR, now=at(2))
    found.create_share_link(gone, hashlib.sha256(b"x").hexdigest(), 1, actor=ACTOR, now=at(3))
    found.revoke_share_link(gone, actor=ACTOR, now=at(4))
    project(found, store)

    access = store.get(ENVIRONMENT_ACCESS, EnvironmentAccess.id_for(env))
    assert access is not None and access["mode"] == "members"
    assert access["changed_at"] == at(1)
    link = store.get(SHARE_LINKS, kept)
    assert link is not None
    assert link["created_at"] == at(2)
    assert link["expires_at"] == at(2) + timedelta(hours=2)
    assert link["revoked_at"] is None
    assert link["created_by"] == ACTOR
    assert (link["organization_id"], link["project_id"], link["environment_id"]) == (org, proj, env)
    revoked = store.get(SHARE_LINKS, gone)
    assert revoked is not None and revoked["revoked_at"] == at(4)
    assert digest not in repr(store.rows) and "shr_secret" not in repr(store.rows)


def test_a_removed_environment_takes_its_access_and_share_links_with_it() -> None:
    org, env = uuid.uuid4(), uuid.uuid4()
    project = Project.create(
        ProjectId(uuid.uuid4()),
        OrganizationId(org),
        "Shop",
        "shop",
        EnvironmentId(uuid.uuid4()),
        actor=ACTOR,
        now=T0,
    )
    store = DictRowStore()
    dashboard = DashboardProjection()
    for event in project.collect_events():
        store.position += 1
        dashboard.process(event, store)
    project.add_environment(
        EnvironmentId(env), "pr-1", EnvironmentKind.PREVIEW, actor=ACTOR, now=at(1)
    )
    found = EnvironmentAccess.open(org, project.id, env, actor=ACTOR, now=at(1))
    found.change_mode(AccessMode.MEMBERS, actor=ACTOR, now=at(2))
    links = [uuid.uuid4(), uuid.uuid4()]
    for n, link in enumerate(links):
        found.create_share_link(
            link, hashlib.sha256(str(n).encode()).hexdigest(), 1, actor=ACTOR, now=at(3)
        )
    for event in [*project.collect_events(), *found.collect_events()]:
        store.position += 1
        dashboard.process(event, store)
    assert all(store.get(SHARE_LINKS, link) is not None for link in links)

    project.remove_environment(EnvironmentId(env), actor=ACTOR, now=at(4))
    for event in project.collect_events():
        store.position += 1
        dashboard.process(event, store)
    assert store.get(ENVIRONMENT_ACCESS, EnvironmentAccess.id_for(env)) is None
    assert all(store.get(SHARE_LINKS, link) is None for link in links)
