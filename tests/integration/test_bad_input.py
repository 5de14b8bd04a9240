"""Bad input: every command refuses it with a clear error and records nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from application import commands as c
from application.errors import ApplicationError, DomainError, InvalidValueError
from application.secrets import Secret
from domain.service_spec import GitSource, HealthCheck, HealthCheckKind, Resources, ServiceKind
from tests.integration.conftest import World

Case = Callable[[World], c.Command]
GIT = GitSource("https://git.example.com/x.git")

CASES: list[tuple[str, Case, str]] = [
    (
        "empty org name",
        lambda w: c.CreateOrganization(name=" ", owner_id=w.owner),
        "must not be empty",
    ),
    ("org slug from symbols", lambda w: c.CreateOrganization(name="!!!", owner_id=w.owner), "slug"),
    (
        "bad org slug",
        lambda w: c.CreateOrganization(name="A", slug="A B", owner_id=w.owner),
        "slug",
    ),
    (
        "unknown org",
        lambda w: c.RenameOrganization(organization_id=uuid.uuid4(), name="x"),
        "does not exist",
    ),
    (
        "empty project name",
        lambda w: c.CreateProject(organization_id=w.org, name=""),
        "must not be empty",
    ),
    (
        "bad project slug",
        lambda w: c.CreateProject(organization_id=w.org, name="x", slug="-x-"),
        "slug",
    ),
    (
        "project in unknown org",
        lambda w: c.CreateProject(organization_id=uuid.uuid4(), name="x"),
        "does not exist",
    ),
    (
        "rename to bad slug",
        lambda w: c.RenameProject(project_id=w.project, name="x", slug="UP"),
        "slug",
    ),
    (
        "environment bad name",
        lambda w: c.AddEnvironment(project_id=w.project, name="Pr 1", kind="preview"),
        "slug",
    ),
    (
        "remove unknown env",
        lambda w: c.RemoveEnvironment(project_id=w.project, environment_id=uuid.uuid4()),
        "does not exist",
    ),
    (
        "service bad name",
        lambda w: c.CreateService(
            project_id=w.project, name="My Web", kind=ServiceKind.WEB, git=GIT, port=80
        ),
        "slug",
    ),
    (
        "web without port",
        lambda w: c.CreateService(project_id=w.project, name="api", kind=ServiceKind.WEB, git=GIT),
        "port",
    ),
    (
        "invalid cron",
        lambda w: c.CreateService(
            project_id=w.project,
            name="job",
            kind=ServiceKind.CRON,
            image="busybox:1",
            cron_schedule="61 * * * *",
        ),
        "not a valid cron",
    ),
    (
        "cron with six fields",
        lambda w: c.CreateService(
            project_id=w.project,
            name="job",
            kind=ServiceKind.CRON,
            image="busybox:1",
            cron_schedule="* * * * * *",
        ),
        "not a valid cron",
    ),
    (
        "negative cpu",
        lambda w: c.CreateService(
            project_id=w.project,
            name="w2",
            kind=ServiceKind.WORKER,
            image="busybox:1",
            resources=Resources(cpu_request_millis=-1),
        ),
        "negative",
    ),
    (
        "negative memory",
        lambda w: c.UpdateService(service_id=w.service, resources=Resources(memory_request_mb=-5)),
        "negative",
    ),
    ("negative replicas", lambda w: c.ScaleService(service_id=w.service, replicas=-1), "replicas"),
    (
        "bad health check",
        lambda w: c.UpdateService(
            service_id=w.service, health_check=HealthCheck(HealthCheckKind.HTTP, path="x")
        ),
        "path",
    ),
    (
        "credentials in url",
        lambda w: c.UpdateService(service_id=w.service, git=GitSource("https://u:p@h/x.git")),
        "credentials",
    ),
    (
        "bad domain",
        lambda w: c.UpdateService(service_id=w.service, domains=["not_a domain"]),
        "host name",
    ),
    (
        "unknown service",
        lambda w: c.ScaleService(service_id=uuid.uuid4(), replicas=1),
        "does not exist",
    ),
    (
        "bad variable name",
        lambda w: c.SetVariables(
            project_id=w.project, environment_id=w.production, values={"A-B": Secret("x")}
        ),
        "variable name",
    ),
    (
        "unset missing variable",
        lambda w: c.UnsetVariables(
            project_id=w.project, environment_id=w.production, names=["NOPE"]
        ),
        "no such variables",
    ),
    (
        "variables of unknown env",
        lambda w: c.SetVariables(
            project_id=w.project, environment_id=uuid.uuid4(), values={"A": Secret("x")}
        ),
        "is not an environment of the project 'Shop'; choose one of its environments",
    ),
    (
        "oversized variable",
        lambda w: c.SetVariables(
            project_id=w.project, environment_id=w.production, values={"A": Secret("x" * 70000)}
        ),
        "64 KiB",
    ),
    (
        "bad commit",
        lambda w: c.RequestDeployment(
            service_id=w.service, environment_id=w.production, commit="main"
        ),
        "commit sha",
    ),
    (
        "deploy to unknown env",
        lambda w: c.RequestDeployment(service_id=w.service, environment_id=uuid.uuid4()),
        "is not an environment of the project 'Shop'; choose one of its environments",
    ),
    (
        "unknown deployment",
        lambda w: c.CancelDeployment(deployment_id=uuid.uuid4()),
        "does not exist",
    ),
    (
        "node bad endpoint",
        lambda w: c.RegisterNode(
            organization_id=w.org, name="n1", endpoint="nowhere", cpu_millis=1000, memory_mb=512
        ),
        "endpoint",
    ),
    (
        "node zero cpu",
        lambda w: c.RegisterNode(
            organization_id=w.org, name="n1", endpoint="tcp://h:2376", cpu_millis=0, memory_mb=512
        ),
        "cpu",
    ),
    (
        "node bad label",
        lambda w: c.RegisterNode(
            organization_id=w.org,
            name="n1",
            endpoint="tcp://h:2376",
            cpu_millis=1,
            memory_mb=1,
            labels={"a b": "c"},
        ),
        "label",
    ),
    ("unknown node", lambda w: c.CordonNode(node_id=uuid.uuid4()), "does not exist"),
    (
        "empty unreachable reason",
        lambda w: c.MarkNodeUnreachable(node_id=uuid.uuid4(), reason=" "),
        "reason",
    ),
]


@pytest.mark.parametrize(("case", "make", "message"), CASES, ids=[case for case, _, _ in CASES])
def test_bad_input_is_refused_and_records_nothing(
    world: World, case: str, make: Case, message: str
) -> None:
    before = world.app.events.head()
    with pytest.raises((DomainError, ApplicationError), match=message):
        world.run(make(world))
    assert world.app.events.head() == before


JSON_CASES = [
    (
        "CreateService",
        b'{"project_id": "%s", "name": "x", "kind": "lambda"}',
        "Invalid enum value 'lambda'",
    ),
    (
        "CreateService",
        b'{"project_id": "%s", "name": "x", "kind": "web", "replicas": "two"}',
        "Expected `int`",
    ),
    ("CreateProject", b'{"organization_id": "not-a-uuid", "name": "x"}', "Invalid UUID"),
    (
        "CreateProject",
        b'{"organization_id": "%s", "name": "x", "colour": "red"}',
        "unknown field `colour`",
    ),
    ("CreateProject", b'{"organization_id": ', "malformed JSON"),
    ("LaunchRocket", b"{}", "unknown command 'LaunchRocket'"),
]


@pytest.mark.parametrize(("name", "payload", "message"), JSON_CASES)
def test_malformed_commands_are_refused_when_decoded(
    world: World, name: str, payload: bytes, message: str
) -> None:
    body = payload.replace(b"%s", str(world.project).encode())
    with pytest.raises(InvalidValueError, match=message):
        c.decode_command(name, body)


def test_a_decoded_command_runs() -> None:
    command = c.decode_command(
        "SetVariables",
        b'{"project_id": "%s", "environment_id": "%s", "values": {"A": "secret"}}'
        % (str(uuid.uuid4()).encode(), str(uuid.uuid4()).encode()),
    )
    assert isinstance(command, c.SetVariables)
    assert "secret" not in repr(command)
