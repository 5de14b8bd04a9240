"""Promotion and fork releases, driven through the deployer against the in-memory adapters
(issue 14): the same image, not rebuilt, with the target environment's variables; a fork's
release without the variables unless the organisation allows it."""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name
from __future__ import annotations

import dataclasses
import uuid

import pytest

from application import commands as c
from application.authz import Principal
from application.bus import Context
from application.errors import NotFoundError, RuleViolatedError
from application.promotion_check import ImageGoneError, PromotionCheck
from application.secrets import Secret
from domain.errors import InvalidValueError
from tests.integration.test_deployer_fakes import (  # noqa: F401 - fixtures
    SECRET,
    OneEngine,
    Rig,
    S,
    bare_rig,
    rig,
)


def staging(rig: Rig, token: str = "staging-token-1") -> uuid.UUID:
    env = rig.run(
        c.AddEnvironment(project_id=rig.world.project, name="staging", kind="development")
    ).id("environment_id")
    rig.run(
        c.SetVariables(
            project_id=rig.world.project,
            environment_id=env,
            service_id=rig.service,
            values={"API_TOKEN": Secret(token)},
        )
    )
    return env


def test_a_promoted_release_runs_the_same_image_with_the_target_environments_variables(
    rig: Rig,
) -> None:
    first = rig.deploy(rig.commits[0])
    env = staging(rig)
    builds = len(rig.runtime.builds)

    promoted_id = rig.run(c.PromoteDeployment(deployment_id=first.id, environment_id=env)).id(
        "deployment_id"
    )
    promoted = rig.drive(promoted_id)

    assert promoted.state is S.HEALTHY, promoted.history
    assert promoted.promoted_from == first.id and promoted.environment_id == env
    assert [step.state for step in promoted.history] == [S.QUEUED, S.BUILT, S.STARTING, S.HEALTHY]
    assert len(rig.runtime.builds) == builds  # nothing was built
    image = rig.runtime.image(first.image or "")
    assert image is not None and promoted.image == image.id  # run by its id, not a tag
    (container,) = rig.containers(promoted_id)
    assert rig.runtime.specs[container.id].image == image.id
    assert rig.runtime.specs[container.id].environment["API_TOKEN"] == "staging-token-1"
    (source_container,) = rig.containers(first.id)  # the source keeps running
    assert rig.runtime.specs[source_container.id].environment["API_TOKEN"] == SECRET
    assert promoted.history[0].reason == f"promotion from {first.id}"
    audit = rig.world.app.history.timeline(organization_id=rig.world.org, limit=500)
    (requested,) = [
        row
        for row in audit
        if row.aggregate_id == promoted_id and row.action == "Deployment.Requested"
    ]
    assert str(requested.details["promoted_from"]) == str(first.id)


def test_a_release_without_a_built_image_is_not_promoted_and_nothing_is_recorded(
    rig: Rig,
) -> None:
    queued = rig.request(rig.commits[0])
    env = staging(rig)
    requested = len(rig.events("Deployment.Requested"))
    with pytest.raises(RuleViolatedError, match="no built image"):
        rig.run(c.PromoteDeployment(deployment_id=queued, environment_id=env))
    assert len(rig.events("Deployment.Requested")) == requested


def test_a_release_is_promoted_only_within_its_project_and_not_where_it_runs(rig: Rig) -> None:
    first = rig.deploy(rig.commits[0])
    other = rig.run(c.CreateProject(organization_id=rig.world.org, name="Other")).id(
        "environment_id"
    )
    with pytest.raises(NotFoundError, match="promoted within its own project"):
        rig.run(c.PromoteDeployment(deployment_id=first.id, environment_id=other))
    with pytest.raises(InvalidValueError, match="already runs in this environment"):
        rig.run(c.PromoteDeployment(deployment_id=first.id, environment_id=rig.world.production))


def test_an_image_gone_from_the_node_is_refused_before_anything_is_recorded(rig: Rig) -> None:
    first = rig.deploy(rig.commits[0])
    env = staging(rig)
    app = dataclasses.replace(
        rig.world.app,
        promotions=PromotionCheck(
            rig.world.app.queries, rig.world.app.dashboard, OneEngine(rig.runtime)
        ),
    )
    caller = Context(actor=f"user:{rig.world.owner}", principal=Principal(user_id=rig.world.owner))
    image = rig.runtime.image(first.image or "")
    assert image is not None
    del rig.runtime.images[image.id]
    requested = len(rig.events("Deployment.Requested"))

    with pytest.raises(ImageGoneError, match="no longer on any node"):
        app.execute(c.PromoteDeployment(deployment_id=first.id, environment_id=env), caller)
    assert len(rig.events("Deployment.Requested")) == requested


def test_a_promotion_whose_image_vanished_after_it_was_recorded_fails_saying_so(
    rig: Rig,
) -> None:
    first = rig.deploy(rig.commits[0])
    env = staging(rig)
    promoted_id = rig.run(c.PromoteDeployment(deployment_id=first.id, environment_id=env)).id(
        "deployment_id"
    )
    image = rig.runtime.image(first.image or "")
    assert image is not None
    del rig.runtime.images[image.id]
    promoted = rig.drive(promoted_id)
    assert promoted.state is S.FAILED
    assert "no longer on the node" in promoted.reason


def fork_release(rig: Rig) -> uuid.UUID:
    return rig.run(
        c.RequestDeployment(
            service_id=rig.service,
            environment_id=rig.world.production,
            commit=rig.commits[1],
            untrusted_source=True,
        )
    ).id("deployment_id")


def test_a_release_of_a_forks_code_gets_no_variables_but_its_logs_stay_masked(rig: Rig) -> None:
    deployment = rig.drive(fork_release(rig))
    assert deployment.state is S.HEALTHY, deployment.history
    assert deployment.untrusted_source
    (container,) = rig.containers(deployment.id)
    assert "API_TOKEN" not in rig.runtime.specs[container.id].environment
    assert not any(SECRET in line for line in rig.log(deployment.id))


def test_a_forks_release_gets_the_variables_once_the_organisation_allows_it(rig: Rig) -> None:
    rig.run(c.SetForkSecretsPolicy(organization_id=rig.world.org, expose_secrets_to_forks=True))
    deployment = rig.drive(fork_release(rig))
    assert deployment.state is S.HEALTHY, deployment.history
    (container,) = rig.containers(deployment.id)
    assert rig.runtime.specs[container.id].environment["API_TOKEN"] == SECRET
    assert rig.world.app.dashboard.organization(rig.world.org).expose_secrets_to_forks
