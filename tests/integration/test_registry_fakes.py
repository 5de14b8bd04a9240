"""Images on every node through a registry (issue 18), driven step by step against the
in-memory adapters: two fake engines stand for two nodes and share one fake registry.

Real parts (the Distribution registry, a second dockerd) are in test_registry_docker.py.
"""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.fake_runtime import InMemoryRuntime
from application import commands as c
from application.errors import InvalidValueError
from application.processes.cron import CronConfig, CronScheduler
from application.processes.replicas import Replicas
from application.registries import ImageRegistries
from application.runtime_ports import ContainerRuntime, RegistryLogin
from application.secrets import Secret
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from tests.integration.test_deployer_fakes import (  # noqa: F401 - fixtures
    BASE_IMAGE,
    Rig,
    bare_rig,
    crashing,
    rig,
)

S = DeploymentState
REGISTRY = "registry.test:5000/acme"
PASSWORD = "registry-pa55word-7"
OTHER = "tcp://10.9.9.9:2376"


class Engines:
    """NodeRuntimes: the rig's engine for the local endpoint, a second one for ``OTHER``."""

    def __init__(self, local: InMemoryRuntime) -> None:
        self.local = local
        self.other = InMemoryRuntime()
        self.other.add_image(BASE_IMAGE)
        self.other.pushed = local.pushed  # one registry for both nodes

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        return self.other if endpoint == OTHER else self.local


@pytest.fixture
def engines(rig: Rig) -> Engines:
    """Two nodes behind the deployer and the reconciler, and registries wired as bootstrap
    wires them (the installation runs none)."""
    made = Engines(rig.runtime)
    app = rig.world.app
    registries = ImageRegistries(queries=app.queries, secrets=app.secrets, timeout=30)
    rig.deployer.runtimes = rig.reconciler.runtimes = made
    rig.deployer.registries = registries
    rig.deployer.replicas = rig.reconciler.replicas = Replicas(
        rig.deployer.config.instance, registries=registries
    )
    return made


def second_node(rig: Rig, **labels: str) -> uuid.UUID:
    return rig.run(
        c.RegisterNode(
            organization_id=rig.world.org,
            name="second",
            endpoint=OTHER,
            cpu_millis=4000,
            memory_mb=8192,
            labels=labels,
        )
    ).id("node_id")


def own_registry(rig: Rig) -> None:
    rig.run(
        c.SetRegistry(
            organization_id=rig.world.org,
            url=REGISTRY,
            username="ci",
            password=Secret(PASSWORD),
        )
    )


def test_a_built_image_is_pushed_and_a_replica_on_another_node_pulls_it_by_digest(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    other = second_node(rig)
    rig.run(c.SetFailoverPolicy(service_id=rig.service, preferred_nodes=[other]))

    deployment = rig.deploy(rig.commits[0])

    assert deployment.image is not None
    assert deployment.image.startswith(f"{REGISTRY}/containr/{rig.service}@sha256:")
    assert set(deployment.placements.values()) == {other}
    assert [b.outcome for b in engines.local.builds] == ["built"] and engines.other.builds == []
    assert ("pull", deployment.image) in engines.other.calls
    (container,) = engines.other.containers({"containr.deployment": str(deployment.id)})
    assert container.image == deployment.image
    (login,) = [x for x in engines.local.logins if x is not None]
    assert login.username == "ci" and login.password == Secret(PASSWORD)
    assert "pushed " + deployment.image in rig.log(deployment.id, "build")
    row = rig.world.app.dashboard.organization(rig.world.org)
    assert (row.registry_kind, row.registry_url, row.registry_username) == ("own", REGISTRY, "ci")
    for event in rig.world.app.events.read(0, limit=100_000):
        assert PASSWORD not in str(event.fields)  # sealed before it became an event


def test_a_refused_push_fails_the_release_with_the_reason_and_makes_no_replica(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    engines.local.registry_refusal = "unauthorized: authentication required"

    failed = rig.drive(rig.request(rig.commits[0]))

    assert failed.state is S.FAILED
    assert "was not pushed" in failed.history[-1].reason
    assert "authentication required" in failed.history[-1].reason
    assert PASSWORD not in failed.history[-1].reason
    assert failed.image is None  # never recorded as built
    assert rig.containers(failed.id) == []
    assert engines.other.containers({}) == []


def test_a_rollback_runs_the_pushed_digest_again_without_a_second_push(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    first = rig.deploy(rig.commits[0])
    rig.deploy(rig.commits[1])
    pushes = [call for call in engines.local.calls if call[0] == "push"]
    assert len(pushes) == 2

    rollback = rig.drive(rig.run(c.RollbackService(deployment_id=first.id)).id("deployment_id"))

    assert rollback.state is S.HEALTHY
    assert rollback.image == first.image
    assert [call for call in engines.local.calls if call[0] == "push"] == pushes
    assert first.image in engines.local.pushed  # pushed images are kept for rollbacks


def test_without_a_registry_nothing_is_pushed_and_the_release_runs_its_build_tag(
    rig: Rig, engines: Engines
) -> None:
    deployment = rig.deploy(rig.commits[0])

    assert deployment.image is not None
    assert deployment.image.startswith(f"containr/{rig.service}:")
    assert not [call for call in engines.local.calls if call[0] in ("push", "pull")]
    assert engines.local.pushed == {}


def test_builds_run_on_the_node_labelled_containr_build(rig: Rig, engines: Engines) -> None:
    own_registry(rig)
    second_node(rig, **{"containr.build": "true"})

    deployment = rig.deploy(rig.commits[0])

    assert [b.outcome for b in engines.other.builds] == ["built"]
    assert engines.local.builds == []
    assert deployment.image is not None and deployment.image in engines.other.pushed


def test_the_installation_registry_unset_fails_the_release_saying_what_to_set(
    rig: Rig, engines: Engines
) -> None:
    rig.run(c.SetRegistry(organization_id=rig.world.org, use_installation_registry=True))

    failed = rig.drive(rig.request(rig.commits[0]))

    assert failed.state is S.FAILED
    assert "CONTAINR_REGISTRY_URL" in failed.history[-1].reason
    assert rig.containers(failed.id) == []


def test_the_installation_registry_is_used_with_its_own_login(rig: Rig, engines: Engines) -> None:
    installation = RegistryLogin(address="127.0.0.1:5999/containr", username="containr")
    app = rig.world.app
    registries = ImageRegistries(
        queries=app.queries, secrets=app.secrets, installation=installation, timeout=30
    )
    rig.deployer.registries = registries
    rig.deployer.replicas = Replicas(rig.deployer.config.instance, registries=registries)
    rig.run(c.SetRegistry(organization_id=rig.world.org, use_installation_registry=True))

    deployment = rig.deploy(rig.commits[0])

    assert deployment.image is not None
    assert deployment.image.startswith("127.0.0.1:5999/containr/containr/")
    assert engines.local.logins == [installation]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "ftp://registry.test"}, "url"),
        ({"url": "registry.test/Upper"}, "url"),
        ({"url": "registry.test:99999"}, "url"),
        ({"url": None}, "url"),
        ({"url": REGISTRY, "username": "ci"}, "password"),
        ({"url": REGISTRY, "password": Secret("x")}, "username"),
        ({"url": REGISTRY, "username": "has space", "password": Secret("x")}, "username"),
        ({"url": REGISTRY, "use_installation_registry": True}, "url"),
    ],
)
def test_a_bad_registry_setting_is_refused_naming_it_and_records_nothing(
    rig: Rig, fields: dict[str, object], field: str
) -> None:
    before = rig.world.app.events.read(0, limit=100_000)
    with pytest.raises(InvalidValueError) as refused:
        rig.run(c.SetRegistry(organization_id=rig.world.org, **fields))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert rig.world.app.events.read(0, limit=100_000) == before


def test_clearing_the_registry_goes_back_to_images_on_the_build_node(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    rig.run(c.ClearRegistry(organization_id=rig.world.org))

    deployment = rig.deploy(rig.commits[0])

    assert deployment.image is not None and "@sha256:" not in deployment.image
    row = rig.world.app.dashboard.organization(rig.world.org)
    assert (row.registry_kind, row.registry_url, row.registry_username) == (None, None, None)


def test_a_cron_run_on_a_node_without_the_image_pulls_it_by_digest_first(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    other = second_node(rig)
    given = "busybox:1.36"
    engines.local.add_image(given)
    service = rig.run(
        c.CreateService(
            project_id=rig.world.project,
            name="report",
            kind=ServiceKind.CRON,
            image=given,
            start_command="echo report done",
            cron_schedule="*/5 * * * *",
        )
    ).id("service_id")
    rig.run(c.SetFailoverPolicy(service_id=service, preferred_nodes=[other]))
    release = rig.drive(
        rig.run(c.RequestDeployment(service_id=service, environment_id=rig.world.production)).id(
            "deployment_id"
        )
    )
    assert release.state is S.HEALTHY, release.history
    assert release.image is not None and release.image in engines.local.pushed
    assert set(release.placements.values()) == {other}
    app = rig.world.app
    scheduler = CronScheduler(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        logs=app.logs,
        secrets=app.secrets,
        runtimes=engines,
        clock=app.clock,
        config=CronConfig(
            instance=app.settings.instance, local_endpoint=app.settings.docker_host, sweep_seconds=0
        ),
        wait_for=lambda _position: rig.sync(),
        registries=rig.deployer.registries,
    )
    now = rig.clock.now()
    rig.clock.advance(timedelta(minutes=5 - now.minute % 5, seconds=1 - now.second))

    rig.sync()
    scheduler.tick()
    rig.sync()

    assert ("pull", release.image) in engines.other.calls
    (container,) = engines.other.containers({"containr.cron": "true"}, all_states=True)
    assert container.image == release.image


def test_a_crash_after_the_push_and_before_reporting_it_pushes_the_same_digest_once_more(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    crashing(rig).crash_before.add(c.RecordBuilt)
    deployment_id = rig.request(rig.commits[0])
    assert rig.step(deployment_id) is S.BUILDING
    with pytest.raises(RuntimeError, match="crash before RecordBuilt"):
        rig.step(deployment_id)
    (pushed,) = engines.local.pushed

    deployment = rig.drive(deployment_id)

    assert deployment.state is S.HEALTHY
    assert deployment.image == pushed and list(engines.local.pushed) == [pushed]
    assert len(engines.local.builds) == 1
    assert len([call for call in engines.local.calls if call[0] == "push"]) == 2


def test_the_reconciler_pulls_the_image_again_to_replace_a_replica_on_a_node_without_it(
    rig: Rig, engines: Engines
) -> None:
    own_registry(rig)
    other = second_node(rig)
    rig.run(c.SetFailoverPolicy(service_id=rig.service, preferred_nodes=[other]))
    live = rig.deploy(rig.commits[0])
    assert live.image is not None
    (lost,) = engines.other.containers({"containr.deployment": str(live.id)})
    engines.other.remove(lost.id)
    engines.other.remove_image(live.image)  # pruned on the node, kept in the registry
    assert engines.other.image(live.image) is None

    rig.reconciler.tick()
    rig.sync()

    (replacement,) = engines.other.containers({"containr.deployment": str(live.id)})
    assert replacement.state == "running" and replacement.image == live.image
    assert [call for call in engines.other.calls if call == ("pull", live.image)] == [
        ("pull", live.image),
        ("pull", live.image),
    ]
