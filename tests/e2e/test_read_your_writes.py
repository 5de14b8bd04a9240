"""Read-your-writes: after a mutation returns, the caller's next query shows it, on any API
process, when the query carries the position the mutation returned (X-Containr-After)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from domain.ids import Actor
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.conftest import Server

PAIRS = 1000
PROJECT = "query($p: ID!) { project(id: $p) { name } }"
VARIABLES = "query($p: ID!, $e: ID!) { variables(projectId: $p, environmentId: $e) { name } }"
SEARCH = "query($o: ID!, $s: String!) { organization(id: $o) { projects(search: $s) { nodes { name } } } }"
RENAME = "mutation($p: ID!, $n: String!) { renameProject(id: $p, name: $n) { name } }"
SET = """mutation($p: ID!, $e: ID!, $v: JSON!) {
  setVariables(projectId: $p, environmentId: $e, values: $v) { name } }"""
CREATE = "mutation($o: ID!, $n: String!) { createProject(organizationId: $o, name: $n) { id } }"


@dataclass
class Caller:
    """One signed-in user talking to several API processes, like the web app does: it keeps
    the highest position it was given and sends it back on every request."""

    urls: list[str]
    send_after: bool = True
    token: str = ""
    seen: int = 0
    http: list[httpx.Client] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = [httpx.Client(base_url=url, timeout=30) for url in self.urls]

    def post(self, server: int, query: str, **variables: Any) -> dict[str, Any]:
        """The body of one request; raises on errors; remembers the position it returned."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.send_after and self.seen:
            headers["X-Containr-After"] = str(self.seen)
        response = self.http[server].post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        position = body.get("extensions", {}).get("position")
        header = response.headers.get("x-containr-position")
        if header is not None:
            assert int(header) == position  # the header and the body agree
        if position is not None and not body["extensions"].get("stale"):
            self.seen = max(self.seen, position)
        return body

    def close(self) -> None:
        for client in self.http:
            client.close()


@dataclass
class World:
    """A project with an environment, in an organisation of the caller's."""

    caller: Caller
    organization: str
    project: str
    environment: str


def world(caller: Caller) -> World:
    signed = caller.post(
        0,
        """mutation { signUp(email: "ryw@example.com", name: "R", password: "correct horse battery")
        { accessToken organizationId } }""",
    )["data"]["signUp"]
    caller.token = signed["accessToken"]
    org = signed["organizationId"]
    project = caller.post(
        0,
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") '
        "{ id environments { id } } }",
        o=org,
    )["data"]["createProject"]
    return World(caller, org, project["id"], project["environments"][0]["id"])


Pair = Callable[[World, int, int, int], bool]


def rename_then_read(w: World, i: int, writer: int, reader: int) -> bool:
    w.caller.post(reader, PROJECT, p=w.project)  # warms the reader's cache
    w.caller.post(writer, RENAME, p=w.project, n=f"Shop {i}")
    return bool(
        w.caller.post(reader, PROJECT, p=w.project)["data"]["project"]["name"] == f"Shop {i}"
    )


def set_variable_then_list(w: World, i: int, writer: int, reader: int) -> bool:
    w.caller.post(reader, VARIABLES, p=w.project, e=w.environment)
    w.caller.post(writer, SET, p=w.project, e=w.environment, v={f"V{i}": "x"})
    names = w.caller.post(reader, VARIABLES, p=w.project, e=w.environment)["data"]["variables"]
    return {"name": f"V{i}"} in names


def create_then_search(w: World, i: int, writer: int, reader: int) -> bool:
    search = f"Shop-{i}-"
    w.caller.post(reader, SEARCH, o=w.organization, s=search)
    w.caller.post(writer, CREATE, o=w.organization, n=search)
    nodes = w.caller.post(reader, SEARCH, o=w.organization, s=search)["data"]["organization"]
    return bool(nodes["projects"]["nodes"] == [{"name": search}])


PAIR_KINDS: list[Pair] = [rename_then_read, set_variable_then_list, create_then_search]


def misses(
    w: World, pairs: int, route: Callable[[int], tuple[int, int]], first: int = 0
) -> list[str]:
    """Run ``pairs`` mutation→query pairs; the ones whose query did not show the write."""
    missed = []
    for i in range(first, first + pairs):
        kind = PAIR_KINDS[i % len(PAIR_KINDS)]
        writer, reader = route(i)
        if not kind(w, i, writer, reader):
            missed.append(f"{i} {kind.__name__} {writer}->{reader}")
    return missed


@pytest.fixture
def two_servers(server_settings: Settings) -> Iterator[list[Server]]:
    servers = [Server(server_settings)]
    try:
        servers.append(Server(server_settings))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def two_servers_without_redis(pg_settings: Settings) -> Iterator[list[Server]]:
    settings = msgspec.structs.replace(pg_settings, redis_url=None)
    servers = [Server(settings)]
    try:
        servers.append(Server(settings))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_a_query_carrying_the_mutations_position_sees_it_on_either_api_process(
    two_servers: list[Server],
) -> None:
    caller = Caller([s.url for s in two_servers])
    try:
        w = world(caller)
        # Mutation to one process, query to the other, and back.
        assert misses(w, PAIRS, lambda i: (i % 2, 1 - i % 2)) == []
    finally:
        caller.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_without_redis_writes_are_read_on_any_process_with_the_header_and_on_the_writer_without_it(
    two_servers_without_redis: list[Server],
) -> None:
    # A process whose runners are elsewhere hears no change notices at all here.
    caller = Caller([s.url for s in two_servers_without_redis], send_after=False)
    try:
        w = world(caller)
        assert misses(w, 200, lambda i: (i % 2, i % 2)) == []
        caller.send_after = True  # it reads the tracking table instead
        assert misses(w, 200, lambda i: (i % 2, 1 - i % 2), first=200) == []
    finally:
        caller.close()


# One process (SQLite): what the responses say.

ORG_PROJECTS = "query($o: ID!) { organization(id: $o) { projects { nodes { name } } } }"


@dataclass
class Embedded:
    app: Services
    http: TestClient  # type: ignore[type-arg]
    stop: threading.Event
    runners: list[threading.Thread]

    def post(self, query: str, headers: dict[str, str] | None = None, **variables: Any) -> Any:
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
        )

    def stop_projections(self) -> None:
        self.stop.set()
        for runner in self.runners:
            runner.join(timeout=30)

    def start_projections(self) -> None:
        self.stop = threading.Event()
        self.runners = self.app.run_projections(self.stop)


@pytest.fixture
def embedded(sqlite_settings: Settings) -> Iterator[Embedded]:
    settings = msgspec.structs.replace(sqlite_settings, read_wait_ms=200)
    app = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    stop = threading.Event()
    with TestClient(create_app(app)) as http:
        running = Embedded(app, http, stop, app.run_projections(stop))
        try:
            yield running
        finally:
            running.stop_projections()
    app.close()


def signed_up(embedded: Embedded) -> tuple[dict[str, str], str]:
    response = embedded.post(
        """mutation { signUp(email: "e@example.com", name: "E", password: "correct horse battery")
        { accessToken organizationId } }"""
    )
    body = response.json()
    assert body["extensions"]["position"] == int(response.headers["x-containr-position"]) > 0
    signed = body["data"]["signUp"]
    return {"Authorization": f"Bearer {signed['accessToken']}"}, signed["organizationId"]


def test_a_mutation_answers_with_the_highest_position_its_fields_reached(
    embedded: Embedded,
) -> None:
    auth, org = signed_up(embedded)
    response = embedded.post(
        """mutation($o: ID!) { a: createProject(organizationId: $o, name: "A") { id }
        b: createProject(organizationId: $o, name: "B") { id } }""",
        auth,
        o=org,
    )
    position = response.json()["extensions"]["position"]
    assert int(response.headers["x-containr-position"]) == position
    assert position == embedded.app.events.head()  # B's events came last
    # A query answers with no position of its own.
    plain = embedded.post(ORG_PROJECTS, auth, o=org)
    assert "extensions" not in plain.json() and "x-containr-position" not in plain.headers


def test_a_query_the_read_models_cannot_catch_up_with_in_time_is_answered_marked_stale(
    embedded: Embedded,
) -> None:
    auth, org = signed_up(embedded)
    embedded.post(ORG_PROJECTS, auth, o=org)  # cached, at the current position
    embedded.stop_projections()
    late = embedded.app.execute(
        c.CreateProject(organization_id=UUID(org), name="Late"), Context(actor=Actor("test"))
    )
    assert late.position is not None
    after = {**auth, "X-Containr-After": str(late.position)}
    body = embedded.post(ORG_PROJECTS, after, o=org).json()
    assert body["extensions"]["stale"] is True
    assert body["extensions"]["position"] < late.position
    assert body["data"]["organization"]["projects"]["nodes"] == []  # answered anyway
    embedded.start_projections()
    embedded.app.wait_for(late.position)
    body = embedded.post(ORG_PROJECTS, after, o=org).json()
    assert "extensions" not in body
    assert body["data"]["organization"]["projects"]["nodes"] == [{"name": "Late"}]


def test_a_position_past_the_head_of_the_log_does_not_hold_a_query(
    embedded: Embedded,
) -> None:
    auth, org = signed_up(embedded)
    # A restored database or another installation: nothing will ever reach this position.
    body = embedded.post(ORG_PROJECTS, {**auth, "X-Containr-After": "999999999"}, o=org).json()
    assert "extensions" not in body and body["data"]["organization"]["projects"]["nodes"] == []


@pytest.mark.parametrize("operation", [ORG_PROJECTS, "mutation { logOut }"])
def test_an_x_containr_after_that_is_not_a_position_is_refused(
    embedded: Embedded, operation: str
) -> None:
    auth, org = signed_up(embedded)
    response = embedded.post(operation, {**auth, "X-Containr-After": "yesterday"}, o=org)
    body = response.json()
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert "X-Containr-After" in body["errors"][0]["message"]


# A caller who wrote before: their queries carry a position.

DASHBOARD = """query($o: ID!) { organization(id: $o) { name
  projects { nodes { name services { name } environments { name } } } } }"""


@pytest.mark.postgres
def test_a_query_whose_position_the_read_models_reached_reads_through_one_connection(
    pg_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web app sends X-Containr-After on every query once it has written. When the read
    models are already there, the query runs as any plain query: its reads share one pooled
    connection (not one checkout per read) and it computes in turns with the others."""
    app = bootstrap(pg_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    try:
        with TestClient(create_app(app, run_projections=True)) as http:
            signed = http.post(
                "/graphql",
                json={
                    "query": """mutation { signUp(email: "one@example.com", name: "O",
                    password: "correct horse battery") { accessToken organizationId } }"""
                },
            ).json()["data"]["signUp"]
            auth = {"Authorization": f"Bearer {signed['accessToken']}"}
            created = http.post(
                "/graphql",
                json={"query": CREATE, "variables": {"o": signed["organizationId"], "n": "Shop"}},
                headers=auth,
            )
            headers = {**auth, "X-Containr-After": created.headers["x-containr-position"]}
            query = {"query": DASHBOARD, "variables": {"o": signed["organizationId"]}}
            first = http.post("/graphql", json=query, headers=headers).json()
            assert "stale" not in first.get("extensions", {})  # it waited; they are there now
            pool = app.read_store._pool  # type: ignore[attr-defined]
            checkouts: list[str] = []
            checkout = pool.connection

            def counted(*args: Any, **kwargs: Any) -> Any:
                checkouts.append(threading.current_thread().name)
                return checkout(*args, **kwargs)

            monkeypatch.setattr(pool, "connection", counted)
            executed = {**headers, "Cache-Control": "no-cache"}  # not the cached answer
            again = http.post("/graphql", json=query, headers=executed).json()
            assert again["data"] == first["data"]
            assert again["data"]["organization"]["projects"]["nodes"][0]["name"] == "Shop"
            assert len(checkouts) == 1, checkouts
    finally:
        app.close()
