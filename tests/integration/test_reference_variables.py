"""Reference variables on both event stores: checked when set, resolved at deploy time,
masked in logs (issue 15). The deployer runs against the in-memory adapters."""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name
from __future__ import annotations

import uuid

import pytest

from application import commands as c
from application.errors import InvalidValueError
from application.processes.support import redactor_for
from application.secrets import Secret
from domain.service_spec import ServiceKind
from tests.integration.conftest import World
from tests.integration.test_deployer_fakes import Rig, bare_rig, rig  # noqa: F401 - fixtures

PASSWORD = "db-pa55word-xyz"


def set_vars(world: World, service: uuid.UUID | None, **values: str) -> None:
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            service_id=service,
            values={k: Secret(v) for k, v in values.items()},
        )
    )


def database(world: World) -> uuid.UUID:
    return world.run(
        c.CreateService(
            project_id=world.project, name="db", kind=ServiceKind.DATABASE, image="postgres:16"
        )
    ).id("service_id")


def names(world: World, service: uuid.UUID | None) -> list[str]:
    return world.app.queries.variable_names(world.production, service)


def test_a_reference_to_a_missing_service_is_refused_and_nothing_recorded(world: World) -> None:
    with pytest.raises(
        InvalidValueError, match=r"DATABASE_URL references \$\{\{db\.URL\}\}.*no service 'db'"
    ):
        set_vars(world, world.service, DATABASE_URL="${{db.URL}}", OTHER="x")
    assert names(world, world.service) == []


def test_a_reference_to_a_missing_variable_is_refused(world: World) -> None:
    db = database(world)
    set_vars(world, db, USER="app")
    with pytest.raises(
        InvalidValueError,
        match=r"DATABASE_URL references \$\{\{db\.PASSWORD\}\}.*no variable PASSWORD",
    ):
        set_vars(world, world.service, DATABASE_URL="postgres://${{db.USER}}:${{db.PASSWORD}}@db")
    with pytest.raises(InvalidValueError, match=r"REGION references \$\{\{shared\.REGION\}\}"):
        set_vars(world, world.service, REGION="${{shared.REGION}}")
    assert names(world, world.service) == []


def test_a_malformed_reference_names_its_variable(world: World) -> None:
    with pytest.raises(InvalidValueError, match=r"URL: '\$\{\{db' is not a reference"):
        set_vars(world, world.service, URL="${{db")


def test_a_cycle_through_several_hops_is_refused_naming_it(world: World) -> None:
    db = database(world)
    set_vars(world, None, A="plain")
    set_vars(world, db, B="${{shared.A}}")
    set_vars(world, world.service, C="${{db.B}}")
    with pytest.raises(InvalidValueError, match=r"shared\.A → web\.C → db\.B → shared\.A"):
        set_vars(world, None, A="${{web.C}}")
    with pytest.raises(InvalidValueError, match=r"web\.D → web\.D"):
        set_vars(world, world.service, D="${{web.D}}")
    with pytest.raises(InvalidValueError, match=r"cycle"):
        set_vars(world, world.service, E="${{web.F}}", F="${{web.E}}")
    assert world.app.queries.variable_references(world.production, None) == {}
    assert names(world, world.service) == ["C"]


def test_references_within_one_command_and_to_the_same_set_are_accepted(world: World) -> None:
    set_vars(world, world.service, HOST="h", URL="http://${{web.HOST}}/x", LITERAL="$${{not.ME}}")
    refs = world.app.queries.variable_references(world.production, world.service)
    assert refs == {"URL": (f"{world.service}.HOST",), "LITERAL": ()}


def test_a_release_gets_resolved_values_and_its_logs_mask_referenced_secrets(rig: Rig) -> None:
    world = rig.world
    db = database(world)
    set_vars(world, db, USER="app", PASSWORD=PASSWORD)
    set_vars(world, None, HOST="db.internal")
    set_vars(
        world,
        world.service,
        DATABASE_URL="postgres://${{db.USER}}:${{db.PASSWORD}}@${{shared.HOST}}:5432/app",
        LITERAL="$${{db.USER}}",
    )
    deployment = rig.deploy()
    (container,) = rig.containers(deployment.id)
    env = rig.runtime.specs[container.id].environment
    assert env["DATABASE_URL"] == f"postgres://app:{PASSWORD}@db.internal:5432/app"
    assert env["LITERAL"] == "${{db.USER}}"
    assert env["HOST"] == "db.internal"
    redactor = redactor_for(
        world.app.queries, world.app.secrets, deployment, world.app.queries.service(world.service)
    )
    assert PASSWORD not in redactor.redact(f"connecting with {PASSWORD}")
    assert env["DATABASE_URL"] not in redactor.redact(env["DATABASE_URL"])


def state_of(rig: Rig, service: uuid.UUID) -> tuple[str | None, object]:
    rig.sync()
    (state,) = rig.world.app.dashboard.service_states(service_id=service)
    return state.needs_redeploy, state.live_deployment_id


def test_changing_a_referenced_value_marks_the_dependent_until_a_newer_release_is_live(
    rig: Rig,
) -> None:
    world = rig.world
    db = database(world)
    set_vars(world, db, PASSWORD="first-pass")
    set_vars(world, None, URL="postgres://${{db.PASSWORD}}@db")
    set_vars(world, world.service, DATABASE_URL="${{shared.URL}}", OWN="${{db.PASSWORD}}")
    first = rig.deploy()
    assert state_of(rig, world.service) == (None, first.id)
    references = rig.world.app.dashboard.variable_references(world.project, world.service)
    assert [(r.name, r.target_service_ids) for r in references] == [
        ("DATABASE_URL", []),
        ("OWN", [str(db)]),
    ]

    set_vars(world, db, PASSWORD="second-pass")
    reason, live = state_of(rig, world.service)
    assert live == first.id
    assert reason is not None
    assert reason.startswith(
        "DATABASE_URL references db.PASSWORD, changed at "
    ) or reason.startswith("OWN references db.PASSWORD, changed at ")
    assert "second-pass" not in reason

    second = rig.deploy()
    assert state_of(rig, world.service) == (None, second.id)
    (container,) = rig.containers(second.id)
    env = rig.runtime.specs[container.id].environment
    assert env["DATABASE_URL"] == "postgres://second-pass@db"
    assert env["OWN"] == "second-pass"


def test_a_value_that_no_longer_references_forgets_its_edges(rig: Rig) -> None:
    world = rig.world
    db = database(world)
    set_vars(world, db, PASSWORD="p4ssword-one")
    set_vars(world, world.service, OWN="${{db.PASSWORD}}")
    rig.deploy()
    set_vars(world, world.service, OWN="plain")
    rig.sync()
    assert rig.world.app.dashboard.variable_references(world.project, world.service) == []
    set_vars(world, db, PASSWORD="p4ssword-two")
    assert state_of(rig, world.service)[0] is None


def test_the_audit_entry_shows_what_a_value_references_and_no_value(rig: Rig) -> None:
    world = rig.world
    db = database(world)
    set_vars(world, db, PASSWORD=PASSWORD)
    set_vars(world, world.service, DATABASE_URL="postgres://app:${{db.PASSWORD}}@db")
    rig.sync()
    entries = [
        e
        for e in world.app.history.timeline(project_id=world.project, limit=100)
        if e.details.get("references")
    ]
    (entry,) = entries
    assert entry.details["references"] == {"DATABASE_URL": [f"{db}.PASSWORD"]}
    assert PASSWORD not in repr(entry)


def test_a_release_records_which_references_it_resolved_and_a_rollback_keeps_them(
    rig: Rig,
) -> None:
    world = rig.world
    db = database(world)
    set_vars(world, db, PASSWORD=PASSWORD)
    set_vars(world, None, HOST="db.internal", URL="postgres://${{shared.HOST}}")
    set_vars(world, world.service, DATABASE_URL="postgres://app:${{db.PASSWORD}}@db")
    first = rig.deploy()
    set_vars(world, world.service, DATABASE_URL="plain")
    second = rig.deploy()
    rollback = rig.run(c.RollbackService(deployment_id=first.id)).id("deployment_id")
    rig.sync()
    releases = {r.deployment_id: r for r in world.app.history.releases(world.service)}
    expected = {"DATABASE_URL": [f"{db}.PASSWORD"], "URL": ["shared.HOST"]}
    assert releases[first.id].references == expected
    assert releases[second.id].references == {"URL": ["shared.HOST"]}
    assert releases[rollback].references == expected
    assert PASSWORD not in repr(releases[first.id])
