"""Reference variables on the real Docker engine: the container of a service whose variable
references another service's variables gets the resolved value (issue 15)."""

# ruff: noqa: F811 - the platform fixtures are imported from test_deploy_docker by name
from __future__ import annotations

from pathlib import Path

import docker

from application import commands as c
from application.secrets import Secret
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from tests.integration.deploy_support import AppRepository, Platform, containers_of
from tests.integration.test_deploy_docker import (  # noqa: F401 - fixtures
    caddy,
    engine,
    ingress_listen,
    platform,
    platform_for,
    set_variable,
    web_service,
)


def test_a_container_gets_the_value_its_variable_references(
    platform: Platform, engine: docker.APIClient, tmp_path: Path
) -> None:
    assert platform.project is not None and platform.production is not None
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    web = web_service(platform, repo)
    db = platform.run(
        c.CreateService(
            project_id=platform.project, name="db", kind=ServiceKind.DATABASE, image="postgres:16"
        )
    ).id("service_id")
    platform.run(
        c.SetVariables(
            project_id=platform.project,
            environment_id=platform.production,
            service_id=db,
            values={"USER": Secret("app"), "PASSWORD": Secret("pw-7f3a9c")},
        )
    )
    set_variable(
        platform, web, "DATABASE_URL", "postgres://${{db.USER}}:${{db.PASSWORD}}@db:5432/app"
    )
    deployment = platform.wait_for(platform.deploy(web))
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    (container,) = containers_of(engine, deployment.id)
    env = engine.inspect_container(container["Id"])["Config"]["Env"]
    assert "DATABASE_URL=postgres://app:pw-7f3a9c@db:5432/app" in env
