"""The dashboard query reads each level with one query through the read gate, however many
projects and services it shows (no query per row), with its fields written out or in fragments."""

from __future__ import annotations

from collections import Counter
from contextlib import closing
from typing import cast
from uuid import UUID

import pytest

from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.authz import Principal
from application.bus import Context
from application.errors import ForbiddenError
from application.readgate import Row, Table
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from domain.ids import Actor
from interfaces.bootstrap import bootstrap
from interfaces.graphql import types
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema

SYSTEM = Context(actor=Actor("system:test"))
QUERY = """query Dashboard($org: ID!) { organization(id: $org) { id name
  projects(first: 50) { nodes { id name slug services { id name kind replicas
    states { environmentId latestState liveImage urls { url }
      latestDeployment { id state commit image requestedAt } } } } } } }"""
FRAGMENTS = """query Dashboard($org: ID!) { organization(id: $org) { id
  projects(first: 50) { edges { node { ...P } } } } }
fragment P on Project { id services { ...S } }
fragment S on Service { id name states { ...St } }
fragment St on ServiceState { latestState urls { url host } latestDeployment { id state } }"""


class CountingContext(GqlContext):
    """A request's context that counts the reads that passed the gate, per table."""

    tables: Counter[str]

    def _observed(self, table: Table, where: dict[str, object], rows: list[Row]) -> None:
        self.tables[table.name] += 1
        super()._observed(table, where, rows)


def seed(app: Services, projects: int) -> tuple[Principal, str]:
    """An owner and their organisation with ``projects`` projects of two deployed services."""
    signed = app.auth.sign_up("owner@example.com", "Owner", Secret("a long enough password"))
    org = signed.organization_id
    assert org is not None
    for p in range(projects):
        created = app.execute(c.CreateProject(organization_id=org, name=f"Project {p}"), SYSTEM)
        project, env = created.id("project_id"), created.id("environment_id")
        for s in range(2):
            service = app.execute(
                c.build_command(
                    c.CreateService,
                    {
                        "project_id": project,
                        "name": f"svc-{s}",
                        "kind": "web",
                        "port": 8080,
                        "git": {"repository_url": "https://git.example.com/app.git"},
                    },
                ),
                SYSTEM,
            ).id("service_id")
            release_healthy(app, service, env, f"app:{p}{s}")
    host = cast(ReadModelHost, app.projections)
    with closing(host.db.connect("test")) as conn:
        host.runner("dashboard", batch_size=500).catch_up(conn)
    user = app.auth.authenticate(signed.tokens.access_token).user_id
    return Principal(user_id=user), str(org)


def release_healthy(app: Services, service: UUID, environment: UUID, image: str) -> None:
    """Request a release of ``service`` and walk it to healthy with ``image``."""
    deployment = app.execute(
        c.RequestDeployment(service_id=service, environment_id=environment), SYSTEM
    ).id("deployment_id")
    for step in (
        c.StartBuild(deployment_id=deployment, operation_id="b"),
        c.RecordBuilt(deployment_id=deployment, operation_id="i", image=image),
        c.StartReplicas(deployment_id=deployment, operation_id="s"),
        c.RecordHealthy(deployment_id=deployment, operation_id="h"),
    ):
        app.execute(step, SYSTEM)


@pytest.mark.parametrize("projects", [1, 4])
@pytest.mark.parametrize("query", [QUERY, FRAGMENTS], ids=["fields", "fragments"])
def test_each_level_is_one_read_whatever_the_number_of_rows(
    store_settings: Settings, projects: int, query: str
) -> None:
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, projects)
        context = CountingContext(app, principal, "test")
        context.tables = Counter()

        result = build_schema().execute_sync(
            query, variable_values={"org": org}, context_value=context
        )

        assert result.errors is None
        assert result.data is not None
        found = result.data["organization"]["projects"]
        nodes = found.get("nodes") or [e["node"] for e in found["edges"]]
        states = [st for p in nodes for s in p["services"] for st in s["states"]]
        assert len(states) == 2 * projects
        assert all(st["latestDeployment"]["state"] == "healthy" for st in states)
        assert all(st["urls"] for st in states)
        assert context.tables == {
            "organizations": 1,
            "projects": 1,
            "services": 1,
            "service_states": 1,
            "deployments": 1,
            "environments": 1,
        }
    finally:
        app.close()


SHOWN = """query Dashboard($org: ID!) { organization(id: $org) { id name
  projects(first: 50) { nodes { id name slug services { id name kind replicas
    states { environmentId latestState liveImage
      latestDeployment { id state commit image requestedAt } } } } } } }"""
SHOWN_IN_FRAGMENTS = """query Dashboard($org: ID!) { organization(id: $org) { id name
  projects(first: 50) { edges { node { id name slug services { ...S } } } } } }
fragment S on Service { id name kind replicas states { ... on ServiceState { environmentId
  latestState liveImage latestDeployment { ...D } } } }
fragment D on Deployment { id state commit image requestedAt }"""
RESOLVED = """query Dashboard($org: ID!) { organization(id: $org) { id
  projects(first: 50) { nodes { id services { id name states { latestState
    latestDeployment { id state reasonText } } } } } } }"""


class ColumnsContext(GqlContext):
    """A request's context that notes the columns of the rows each table's reads returned."""

    columns: dict[str, set[str]]

    def _observed(self, table: Table, where: dict[str, object], rows: list[Row]) -> None:
        for row in rows:
            self.columns.setdefault(table.name, set()).update(row)
        super()._observed(table, where, rows)


@pytest.mark.parametrize("query", [SHOWN, SHOWN_IN_FRAGMENTS], ids=["fields", "fragments"])
def test_the_dashboard_reads_only_the_columns_it_shows_and_answers_the_same(
    store_settings: Settings, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, 3)
        schema = build_schema()

        def run() -> tuple[object, dict[str, set[str]]]:
            context = ColumnsContext(app, principal, "test")
            context.columns = {}
            result = schema.execute_sync(query, variable_values={"org": org}, context_value=context)
            assert result.errors is None
            return result.data, context.columns

        narrowed, columns = run()
        # Every column read (as before): the same answer.
        monkeypatch.setattr(types, "narrowed_services", lambda info: types.WHOLE_ROWS)
        whole, every = run()

        assert narrowed == whole
        assert "history" in every["deployments"] and "spec" in every["services"]
        # The columns shown, the gate's owner, the notices' and what the loaders join on.
        assert columns["deployments"] == {
            "id",
            "state",
            "commit",
            "image",
            "requested_at",
            "organization_id",
            "service_id",
        }
        assert columns["services"] == {
            "id",
            "name",
            "kind",
            "replicas",
            "project_id",
            "organization_id",
        }
        assert columns["service_states"] == {
            "service_id", "environment_id", "latest_state", "live_image",
            "latest_deployment_id", "organization_id", "project_id",
        }  # fmt: skip
    finally:
        app.close()


def test_a_field_that_resolves_from_other_columns_reads_whole_rows(
    store_settings: Settings,
) -> None:
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, 1)
        context = ColumnsContext(app, principal, "test")
        context.columns = {}

        result = build_schema().execute_sync(
            RESOLVED, variable_values={"org": org}, context_value=context
        )

        assert result.errors is None
        assert result.data is not None
        states = result.data["organization"]["projects"]["nodes"][0]["services"][0]["states"]
        assert states[0]["latestDeployment"]["reasonText"]
        assert "history" in context.columns["deployments"]  # reasonText reads what it needs
        assert "spec" not in context.columns["services"]  # services show columns only
    finally:
        app.close()


DEPLOYMENT_WORDS = """query Words($service: ID!) { service(id: $service) {
  deployments(first: 20) { nodes { id reasonText requestedByName } } } }"""
DEPLOYMENT_WORDS_IN_FRAGMENTS = """query Words($service: ID!) { service(id: $service) {
  deployments(first: 20) { nodes { ...D } } } }
fragment D on Deployment { id reasonText requestedByName }"""


def test_a_page_of_deployments_reads_their_words_as_often_in_fragments(
    store_settings: Settings,
) -> None:
    """reasonText and requestedByName batch for the page even when a fragment selects them
    (not a read of the releases each superseded deployment mentions, per deployment)."""
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, 1)
        dashboard = app.reads(principal).dashboard
        project = dashboard.projects(UUID(org))[0]
        service = dashboard.services_of([project.id])[0]
        env = dashboard.environments(project.id)[0].id
        for n in range(3):  # each supersedes the one before: its reason names a release
            release_healthy(app, service.id, env, f"app:v{n}")
        host = cast(ReadModelHost, app.projections)
        with closing(host.db.connect("test")) as conn:
            host.runner("dashboard", batch_size=500).catch_up(conn)

        def reads(query: str) -> tuple[object, Counter[str]]:
            context = CountingContext(app, principal, "test")
            context.tables = Counter()
            result = build_schema().execute_sync(
                query, variable_values={"service": str(service.id)}, context_value=context
            )
            assert result.errors is None and result.data is not None
            return result.data, context.tables

        fields, batched = reads(DEPLOYMENT_WORDS)
        in_fragments, counted = reads(DEPLOYMENT_WORDS_IN_FRAGMENTS)

        nodes = fields["service"]["deployments"]["nodes"]  # type: ignore[index]
        assert len(nodes) == 4 and any("superseded" in n["reasonText"] for n in nodes)
        assert in_fragments == fields
        assert counted == batched
    finally:
        app.close()


def test_services_states_and_latest_read_together_are_the_rows_read_apart_each_checked(
    store_settings: Settings,
) -> None:
    """One round trip for a page's services, states and latest deployments reads what three
    reads read, whole or narrowed; each row still passes the gate (a stranger reading them
    is refused)."""
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, 2)
        dashboard = app.reads(principal).dashboard
        ids = [p.id for p in dashboard.projects(UUID(org), limit=50)]
        narrowings = ((None, None, None), (("name",), ("latest_state",), ("state", "commit")))
        for service_columns, state_columns, deployment_columns in narrowings:
            services, states, latest = dashboard.services_states_and_latest_of(
                ids,
                service_columns=service_columns,
                state_columns=state_columns,
                deployment_columns=deployment_columns,
            )
            apart = (
                dashboard.services_of(ids, columns=service_columns),
                dashboard.service_states_of(ids, columns=state_columns),
            )
            wanted = [s.latest_deployment_id for s in apart[1] if s.latest_deployment_id]
            deployments = dashboard.deployments_by_id(wanted, columns=deployment_columns)
            assert [vars(s) for s in services] == [vars(s) for s in apart[0]]
            assert [vars(s) for s in states] == [vars(s) for s in apart[1]]
            by_id = sorted(deployments, key=lambda d: str(d.id))
            assert [vars(d) for d in sorted(latest, key=lambda d: str(d.id))] == [
                vars(d) for d in by_id
            ]
            assert len(services) == 4 and len(states) == 4 and len(latest) == 4
        assert services[0].name == "svc-0" and states[0].latest_state == "healthy"
        assert {d.state for d in latest} == {"healthy"}

        stranger = app.auth.sign_up("stranger@example.com", "Stranger", Secret("another password"))
        theirs = app.reads(app.auth.authenticate(stranger.tokens.access_token)).dashboard
        with pytest.raises(ForbiddenError):
            theirs.services_states_and_latest_of(ids)
    finally:
        app.close()
