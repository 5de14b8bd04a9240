"""Promotion on the real Docker engine behind a real Caddy (issue 14): a release built in
production runs in another environment as the very same image (its id), with that
environment's variables, answering through the ingress under the environment's host."""

# ruff: noqa: F811 - the engine, Caddy and platform fixtures are imported by name
from __future__ import annotations

from pathlib import Path

import docker

from application import commands as c
from application.secrets import Secret
from domain.deployment import DeploymentState
from tests.integration.deploy_support import AppRepository, Platform, containers_of, until
from tests.integration.test_deploy_docker import (  # noqa: F401 - fixtures
    caddy,
    engine,
    ingress_listen,
    platform,
    platform_for,
    set_variable,
    web_service,
)


def test_a_release_promoted_to_another_environment_runs_the_same_image_with_its_variables(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    assert platform.project is not None
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    service = web_service(platform, repo)
    set_variable(platform, service, "GREETING", "production-value")
    source = platform.wait_for(platform.deploy(service))
    assert source.state is DeploymentState.HEALTHY, source.reason
    staging = platform.run(
        c.AddEnvironment(project_id=platform.project, name="staging", kind="development")
    ).id("environment_id")
    platform.run(
        c.SetVariables(
            project_id=platform.project,
            environment_id=staging,
            service_id=service,
            values={"GREETING": Secret("staging-value")},
        )
    )
    images_before = {
        i["Id"] for i in engine.images(filters={"label": f"containr.service={service}"})
    }

    promoted_id = platform.run(
        c.PromoteDeployment(deployment_id=source.id, environment_id=staging)
    ).id("deployment_id")
    promoted = platform.wait_for(promoted_id)

    assert promoted.state is DeploymentState.HEALTHY, promoted.reason
    assert promoted.promoted_from == source.id
    assert not platform.logs(promoted_id, "build")  # nothing was built
    images_after = {
        i["Id"] for i in engine.images(filters={"label": f"containr.service={service}"})
    }
    assert images_after == images_before
    (a,) = containers_of(engine, source.id)
    (b,) = containers_of(engine, promoted_id)
    inspected_a, inspected_b = engine.inspect_container(a["Id"]), engine.inspect_container(b["Id"])
    assert inspected_b["Image"] == inspected_a["Image"]  # the same image id (digest)
    assert promoted.image == inspected_a["Image"]
    assert "GREETING=staging-value" in inspected_b["Config"]["Env"]
    assert "GREETING=production-value" in inspected_a["Config"]["Env"]
    host = f"web.staging.{platform.project_slug}.localhost"

    def staging_answers() -> bool:
        url = f"http://{platform.ingress_listen}/"
        response = platform.client.get(url, headers={"Host": host})
        return response.status_code == 200 and response.text == "release one\n"

    until(staging_answers, what="the staging host to answer through Caddy")
    platform.wait_answer("web", "release one\n")  # production still answers
