"""Every command on both event stores: the events it records, in one transaction each."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.fakes import FakeClock
from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ConflictError, InvalidValueError, NotFoundError
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.deployment import DeploymentState
from domain.errors import NameTakenError, RuleViolatedError
from domain.node import NodeKind
from domain.service import Service
from domain.values import Role
from tests.integration.conftest import ALICE, World

pytestmark = pytest.mark.usefixtures("app")


def new_types(world: World, before: int) -> list[str]:
    return [e.type for e in world.app.events.read(after=before, limit=1000)]


def head(world: World) -> int:
    return world.app.events.head()


def test_creating_an_organization_records_it_and_reserves_its_slug(world: World) -> None:
    before = head(world)
    result = world.run(c.CreateOrganization(name="Beta Co", owner_id=world.owner))
    assert new_types(world, before) == ["Organization.Created", "Reservation.Created"]
    assert result.position == head(world)
    assert world.app.queries.organization(result.id("organization_id")).slug == "beta-co"


def test_organization_slugs_are_unique(world: World) -> None:
    before = head(world)
    with pytest.raises(NameTakenError, match="organisation 'acme' already exists"):
        world.run(c.CreateOrganization(name="ACME", owner_id=world.owner))
    assert head(world) == before


def test_membership_commands(world: World) -> None:
    bob = uuid.uuid4()
    before = head(world)
    world.run(c.AddMember(organization_id=world.org, user_id=bob, role=Role.ADMIN))
    world.run(c.ChangeMemberRole(organization_id=world.org, user_id=bob, role=Role.OWNER))
    world.run(c.RemoveMember(organization_id=world.org, user_id=world.owner))
    world.run(c.RenameOrganization(organization_id=world.org, name="Acme Corp"))
    assert new_types(world, before) == [
        "Organization.MemberAdded",
        "Organization.MemberRoleChanged",
        "Organization.MemberRemoved",
        "Organization.Renamed",
    ]
    with pytest.raises(RuleViolatedError, match="last owner"):
        world.run(c.RemoveMember(organization_id=world.org, user_id=bob))


def test_project_lifecycle(world: World) -> None:
    before = head(world)
    world.run(c.RenameProject(project_id=world.project, name="Web Shop", slug="web-shop"))
    env = world.run(
        c.AddEnvironment(project_id=world.project, name="staging", kind="development")
    ).id("environment_id")
    world.run(c.RemoveEnvironment(project_id=world.project, environment_id=env))
    world.run(c.DeleteProject(project_id=world.project))
    world.run(c.RestoreProject(project_id=world.project))
    assert new_types(world, before) == [
        "Project.Renamed",
        "Reservation.Created",
        "Reservation.Released",
        "Project.EnvironmentAdded",
        "Project.EnvironmentRemoved",
        "Project.Deleted",
        "Project.Restored",
    ]
    project = world.app.queries.project(world.project)
    assert (project.slug, project.is_deleted) == ("web-shop", False)


def test_a_renamed_projects_old_slug_is_free_again(world: World) -> None:
    world.run(c.RenameProject(project_id=world.project, name="New", slug="new"))
    again = world.run(c.CreateProject(organization_id=world.org, name="Shop"))
    assert world.app.queries.project(again.id("project_id")).slug == "shop"


def test_project_slugs_are_unique_in_an_organisation_until_the_restore_window_ends(
    world: World, clock: FakeClock
) -> None:
    with pytest.raises(NameTakenError):
        world.run(c.CreateProject(organization_id=world.org, name="Shop"))
    world.run(c.DeleteProject(project_id=world.project))
    with pytest.raises(NameTakenError):
        world.run(c.CreateProject(organization_id=world.org, name="Shop"))
    clock.advance(timedelta(days=30, seconds=1))
    world.run(c.CreateProject(organization_id=world.org, name="Shop"))
    with pytest.raises(RuleViolatedError, match="can no longer be restored"):
        world.run(c.RestoreProject(project_id=world.project))


def test_service_commands(world: World) -> None:
    before = head(world)
    world.run(c.UpdateService(service_id=world.service, port=9000, start_command="./serve"))
    world.run(c.ScaleService(service_id=world.service, replicas=3))
    world.run(c.DeleteService(service_id=world.service))
    assert new_types(world, before) == [
        "Service.Reconfigured",
        "Service.Scaled",
        "Service.Deleted",
        "Reservation.Released",
    ]
    with pytest.raises(NotFoundError):
        world.run(c.ScaleService(service_id=world.service, replicas=1))


def test_every_spec_setting_is_a_command_setting_by_the_same_name(world: World) -> None:
    """A setting added to ServiceSpec and to the two commands needs nothing else."""
    created = world.run(
        c.build_command(
            c.CreateService,
            {
                "project_id": world.project,
                "name": "api",
                "kind": "web",
                "image": "busybox:1",
                "port": 80,
                "load_balancing": "least_conn",
            },
        )
    ).id("service_id")
    assert world.app.queries.service(created).spec.load_balancing == "least_conn"
    world.run(
        c.build_command(c.UpdateService, {"service_id": created, "load_balancing": "ip_hash"})
    )
    assert world.app.queries.service(created).spec.load_balancing == "ip_hash"
    with pytest.raises(InvalidValueError, match="load_balancing"):
        world.run(c.build_command(c.UpdateService, {"service_id": created, "load_balancing": "x"}))


def test_service_names_are_unique_in_a_project(world: World) -> None:
    with pytest.raises(NameTakenError, match="already has a service 'web'"):
        world.run(
            c.CreateService(
                project_id=world.project,
                name="web",
                kind="worker",  # type: ignore[arg-type]
                image="busybox:1",
            )
        )


def test_variables_commands(world: World) -> None:
    before = head(world)
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            values={"A": Secret("1"), "B": Secret("2")},
        )
    )
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            service_id=world.service,
            values={"A": Secret("override")},
        )
    )
    world.run(
        c.UnsetVariables(project_id=world.project, environment_id=world.production, names=["B"])
    )
    assert new_types(world, before) == [
        "VariableSet.Created",
        "VariableSet.Changed",
        "VariableSet.Created",
        "VariableSet.Changed",
        "VariableSet.Changed",
    ]
    shared = world.app.queries.reveal_variables(world.production)
    override = world.app.queries.reveal_variables(world.production, world.service)
    assert {k: v.reveal() for k, v in shared.items()} == {"A": "1"}
    assert override["A"].reveal() == "override"
    old = world.app.queries.reveal_variables(world.production, version=2)
    assert {k: v.reveal() for k, v in old.items()} == {"A": "1", "B": "2"}


def deploy_to_healthy(world: World, deployment: uuid.UUID, tag: str) -> None:
    world.run(c.StartBuild(deployment_id=deployment, operation_id=f"{tag}-build"))
    world.run(
        c.RecordBuilt(
            deployment_id=deployment,
            operation_id=f"{tag}-built",
            image=f"shop:{tag}",
            commit="a" * 40,
        )
    )
    world.run(c.StartReplicas(deployment_id=deployment, operation_id=f"{tag}-start"))
    world.run(c.RecordHealthy(deployment_id=deployment, operation_id=f"{tag}-healthy"))


def test_deployment_lifecycle_promotes_and_supersedes(world: World) -> None:
    first = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    deploy_to_healthy(world, first, "one")
    before = head(world)
    second = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    deploy_to_healthy(world, second, "two")
    assert new_types(world, before) == [
        "Deployment.Requested",
        "Deployment.BuildStarted",
        "Deployment.Built",
        "Deployment.ReplicasStarting",
        "Deployment.BecameHealthy",
        "Service.ReleasePromoted",
        "Deployment.Superseded",
    ]
    assert world.app.queries.deployment(first).state is DeploymentState.SUPERSEDED
    assert world.app.queries.service(world.service).live_release(world.production) == second


def test_a_repeated_report_records_nothing(world: World) -> None:
    deployment = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    world.run(c.StartBuild(deployment_id=deployment, operation_id="op-1"))
    before = head(world)
    world.run(c.StartBuild(deployment_id=deployment, operation_id="op-1"))
    assert head(world) == before


def test_rollback_restores_image_and_variable_versions(world: World) -> None:
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            values={"MODE": Secret("one")},
        )
    )
    first = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    deploy_to_healthy(world, first, "one")
    world.run(
        c.SetVariables(
            project_id=world.project,
            environment_id=world.production,
            values={"MODE": Secret("two")},
        )
    )
    second = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    deploy_to_healthy(world, second, "two")
    rollback = world.run(c.RollbackService(deployment_id=first)).id("deployment_id")
    restored = world.app.queries.deployment(rollback)
    original = world.app.queries.deployment(first)
    assert (restored.image, restored.variables_version, restored.rollback_of) == (
        "shop:one",
        original.variables_version,
        first,
    )
    world.run(c.RecordBuilt(deployment_id=rollback, operation_id="rb-built", image="shop:one"))
    world.run(c.StartReplicas(deployment_id=rollback, operation_id="rb-start"))
    world.run(c.RecordHealthy(deployment_id=rollback, operation_id="rb-healthy"))
    assert world.app.queries.deployment(second).state is DeploymentState.ROLLED_BACK
    values = world.app.queries.reveal_variables(
        world.production, version=restored.variables_version[0]
    )
    assert values["MODE"].reveal() == "one"


def test_rollback_to_a_release_that_never_ran_is_refused(world: World) -> None:
    deployment = world.run(
        c.RequestDeployment(service_id=world.service, environment_id=world.production)
    ).id("deployment_id")
    with pytest.raises(RuleViolatedError, match="never became healthy"):
        world.run(c.RollbackService(deployment_id=deployment))


def test_cancel_fail_and_expire(world: World, clock: FakeClock) -> None:
    def request() -> uuid.UUID:
        return world.run(
            c.RequestDeployment(service_id=world.service, environment_id=world.production)
        ).id("deployment_id")

    a, b, d = request(), request(), request()
    world.run(c.CancelDeployment(deployment_id=a))
    world.run(c.FailDeployment(deployment_id=b, operation_id="x", reason="build failed"))
    world.run(c.ExpireDeployment(deployment_id=d))  # not due yet: nothing happens
    assert world.app.queries.deployment(d).state is DeploymentState.QUEUED
    clock.advance(timedelta(minutes=11))
    world.run(c.ExpireDeployment(deployment_id=d))
    states = [world.app.queries.deployment(x).state for x in (a, b, d)]
    assert states == [DeploymentState.CANCELLED, DeploymentState.FAILED, DeploymentState.FAILED]
    assert world.app.queries.deployment(d).history[-1].reason.startswith("deadline exceeded")


def test_node_commands(world: World) -> None:
    before = head(world)
    node = world.run(
        c.RegisterNode(
            organization_id=world.org,
            name="edge-1",
            endpoint="tcp://10.0.0.5:2376",
            cpu_millis=4000,
            memory_mb=8192,
            kind=NodeKind.DOCKER,
            labels={"zone": "eu"},
        )
    ).id("node_id")
    world.run(c.LabelNode(node_id=node, labels={"zone": "us"}))
    world.run(c.CordonNode(node_id=node))
    world.run(c.DrainNode(node_id=node))
    world.run(c.UncordonNode(node_id=node))
    world.run(c.MarkNodeUnreachable(node_id=node, reason="timeout"))
    world.run(c.MarkNodeReachable(node_id=node))
    world.run(c.RemoveNode(node_id=node))
    assert new_types(world, before) == [
        "Node.Registered",
        "HostPorts.Created",  # the ranges of the nodes at its address (issue 18)
        "HostPorts.RangeHeld",
        "Reservation.Created",
        "Node.Relabelled",
        "Node.Cordoned",
        "Node.DrainStarted",
        "Node.Uncordoned",
        "Node.BecameUnreachable",
        "Node.BecameReachable",
        "Node.Removed",
        "HostPorts.RangeDropped",
        "Reservation.Released",
    ]


def test_labelling_many_nodes_is_one_transaction(world: World) -> None:
    nodes = [
        world.run(
            c.RegisterNode(
                organization_id=world.org,
                name=f"n{i}",
                endpoint="tcp://h:2376",
                cpu_millis=1000,
                memory_mb=1024,
            )
        ).id("node_id")
        for i in range(3)
    ]
    world.run(c.RemoveNode(node_id=nodes[2]))
    before = head(world)
    with pytest.raises(NotFoundError):
        world.run(c.LabelNodes(node_ids=nodes, labels={"zone": "eu"}))
    assert head(world) == before  # the removed node spoils the whole command
    result = world.run(c.LabelNodes(node_ids=nodes[:2], labels={"zone": "eu"}))
    assert new_types(world, before) == ["Node.Relabelled", "Node.Relabelled"]
    assert result.position == head(world)


def test_a_command_id_makes_resending_safe(world: World) -> None:
    first = world.run(c.CreateProject(organization_id=world.org, name="Blog"), command_id="k-1")
    after_first = head(world)
    again = world.run(c.CreateProject(organization_id=world.org, name="Blog"), command_id="k-1")
    assert head(world) == after_first
    assert again.replayed and again.ids == first.ids
    assert again.position is not None and first.position is not None
    assert again.position >= first.position


def test_a_command_id_reused_for_another_command_is_refused(world: World) -> None:
    world.run(c.CreateProject(organization_id=world.org, name="Blog"), command_id="k-2")
    before = head(world)
    with pytest.raises(InvalidValueError, match="already used for a different CreateProject"):
        world.run(c.CreateProject(organization_id=world.org, name="Other"), command_id="k-2")
    assert head(world) == before


def test_command_ids_are_per_actor(world: World) -> None:
    world.run(c.CreateProject(organization_id=world.org, name="Blog"), command_id="k-3")
    other = world.app.execute(
        c.CreateProject(organization_id=world.org, name="Blog 2"),
        Context(actor=ALICE.replace("alice", "bob"), command_id="k-3"),
    )  # type: ignore[arg-type]
    assert not other.replayed


def test_a_command_that_keeps_conflicting_gives_up_with_a_clear_error(world: World) -> None:
    """A handler whose save always conflicts ends in ConflictError after bounded attempts."""

    def always_stale(cmd: c.ScaleService, uow: UnitOfWork) -> dict[str, uuid.UUID]:
        service = uow.get(Service, cmd.service_id, "service")
        stale = world.app.store.repository.get(service.id)
        stale.scale(stale.spec.replicas % 50 + 1, actor=ALICE, now=uow.now)
        world.app.store.save(stale)  # someone else wins every time
        service.scale(cmd.replicas, actor=ALICE, now=uow.now)
        return {"service_id": service.id}

    bus = CommandBus(
        world.app.store,
        clock=world.app.clock,
        secrets=world.app.secrets,
        deadlines=world.app.commands._deadlines,
        handlers={c.ScaleService: always_stale},
        max_attempts=3,
    )
    with pytest.raises(ConflictError, match=r"kept conflicting.*3 attempts"):
        bus.execute(c.ScaleService(service_id=world.service, replicas=10), Context(actor=ALICE))
