"""A bounded property-based fuzz of the live GraphQL schema (hypothesis-graphql).

Documents are generated from the schema the server serves (``schema_sdl()``): queries,
mutations (one root field each, sent one at a time) and subscriptions (over the
WebSocket), with arguments drawn by hypothesis. Ids are drawn mostly from the real ids of a
seeded world of two organisations, of the kind the argument takes (a project id for
``projectId``), and otherwise arbitrary; strings are drawn as plausible values for their
argument's name (a role for ``role``) or as any text. So the fuzz reaches the resolvers,
the gates and the commands, not only argument validation. Each document is sent by the
owner of organisation A, a viewer of A, an anonymous caller or a read-only API token, on
PostgreSQL and Redis. For every answer:

- no HTTP status of 500 or more;
- every error has ``extensions.code``, and none is ``INTERNAL``;
- a refused request (data null, a refusal code) leaves the event log's head where it was
  (queries and subscriptions never move it).

Raw bodies (arbitrary bytes, JSON of every shape, deep nesting, odd headers) sent to a real
``containr serve`` never get a 5xx either.

The run is bounded and reproducible: a fixed number of examples, derandomised (the same
draws every run), no example database. ``CONTAINR_TEST_FUZZ_EXAMPLES=N`` multiplies the
examples and draws them at random, for a longer hunt by hand.
"""

from __future__ import annotations

import json
import os
import queue
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application import commands as c
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap, migrate
from interfaces.graphql.schema import schema_sdl
from interfaces.http.app import create_app
from tests.conftest import OPEN_SIGNUP, TEST_SECRET_KEY, drop_schemas
from tests.e2e.client import Client
from tests.e2e.conftest import Server
from tests.e2e.test_authorization import SYSTEM, World, local_repository

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SCALE = int(os.environ.get("CONTAINR_TEST_FUZZ_EXAMPLES", "1"))
"""More examples, drawn at random, for a longer hunt (CI runs the bounded, fixed set)."""


def fuzz(examples: int) -> Any:
    """The hypothesis settings of one fuzz: bounded, reproducible, no example database."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
        ],
    )


SCHEMA = graphql.build_schema(schema_sdl())
REFUSALS = {
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "VALIDATION_FAILED",
    "NOT_FOUND",
    "RATE_LIMITED",
    "CONFLICT",
}
CALLERS = ("owner", "viewer", "anonymous", "read-only token")
LIFTED_LIMITS: dict[str, Any] = {
    **OPEN_SIGNUP,
    "login_limit_per_email": 10_000,
    "login_limit_per_client": 10_000,
    "login_limit_global": 10_000,
}
"""The fuzz signs up and logs in often from one address: the abuse limits would answer
RATE_LIMITED to most of it (tests/e2e/test_abuse.py tests them)."""
RESEED_EVERY = 25
"""Fuzzed mutations delete, remove and revoke what the world holds: every so many examples
both organisations get a fresh seed, and the callers their roles and credentials back."""


# The world: two organisations on PostgreSQL and Redis


@dataclass
class Pools:
    """The world's ids by kind, newest seed last, to draw arguments from."""

    seeds: dict[str, list[dict[str, str]]]
    users: list[str]
    tokens: list[str]
    repository: str

    def pick(self, kind: str, org: str, fresh: bool, n: int) -> str:
        """An id of ``kind`` in organisation ``org``'s newest seed (or any seed)."""
        if kind == "user":
            return self.users[n % len(self.users)]
        if kind == "token":
            return self.tokens[n % len(self.tokens)]
        seeds = self.seeds[org]
        seed = seeds[-1] if fresh or n % 4 else seeds[n % len(seeds)]
        keys = SEED_KEYS[kind]
        return seed[keys[n % len(keys)]]


SEED_KEYS = {
    "org": ("org",),
    "project": ("project",),
    "env": ("env", "dev"),
    "service": ("service",),
    "deployment": ("deployment", "old", "queued"),
    "node": ("node",),
    "cluster": ("cluster",),
    "guest": ("guest",),
    "invitation": ("invitation",),
}
"""Which ids of a seed (``World.seed``) are of each kind."""


@dataclass
class FuzzWorld:
    """The seeded world, the ids the fuzz draws from, and a credential per caller."""

    world: World
    pools: Pools
    users: dict[str, str]
    tokens: dict[str, str | None]
    examples: int = 0
    emails: dict[str, str] = field(
        default_factory=lambda: {"owner": "owner@a.example", "viewer": "viewer@a.example"}
    )

    @property
    def app(self) -> Services:
        return self.world.app

    def token(self, caller: str) -> str | None:
        """The caller's bearer, made anew when a fuzzed mutation ended or revoked it."""
        token = self.tokens[caller]
        if token is None or self._valid(token):
            return token
        if caller in self.emails:
            token = self.world.session(self.emails[caller])
        else:  # the read-only API token
            owner = self.app.auth.authenticate(self.token("owner") or "")
            token = str(self.app.auth.create_api_token(owner, "ro", ["read"], 1)[1].reveal())
        self.tokens[caller] = token
        return token

    def _valid(self, token: str) -> bool:
        try:
            self.app.auth.authenticate(token, fresh=True)
        except Exception:
            return False
        return True

    def head(self) -> int:
        return self.app.events.head()

    def next_example(self) -> None:
        """Count an example; every ``RESEED_EVERY``, a fresh seed and the callers' roles."""
        self.examples += 1
        if self.examples % RESEED_EVERY:
            return
        org = self.world.orgs["A"]
        for caller, role in (("owner", "owner"), ("viewer", "viewer")):
            user = self.users[caller]
            for command in (
                c.build_command(
                    c.AddMember, {"organization_id": org, "user_id": user, "role": role}
                ),
                c.build_command(
                    c.ChangeMemberRole, {"organization_id": org, "user_id": user, "role": role}
                ),
            ):
                try:
                    self.app.execute(command, SYSTEM)
                except Exception:  # already a member, or already in that role
                    continue
        for org_name in ("A", "B"):
            self.pools.seeds[org_name].append(self.world.seed(org_name))


@pytest.fixture(scope="module")
def fuzz_world(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzWorld]:
    base = tmp_path_factory.mktemp("fuzz")
    config = settings_for(base, postgres_url, redis_url)
    migrate(config)
    app = bootstrap(config, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    try:
        with TestClient(create_app(app, run_projections=True)) as http:
            yield seeded(app, http, base)
    finally:
        app.close()
        drop_schemas(postgres_url, config.database_schema)


def settings_for(base: Path, postgres_url: str, redis_url: str) -> Settings:
    return Settings(
        data_dir=str(base / "data"),
        database_url=postgres_url,
        database_schema=f"t_{uuid.uuid4().hex[:16]}",
        redis_url=redis_url,
        secret_key=Secret(TEST_SECRET_KEY),
        **LIFTED_LIMITS,
    )


def seeded(app: Services, http: TestClient, base: Path) -> FuzzWorld:  # type: ignore[type-arg]
    """Organisation A (its owner, a viewer), organisation B (its owner), a seed in each."""
    anonymous = Client("http://testserver", http)  # type: ignore[arg-type]
    owner = anonymous.sign_up("owner@a.example", "Owner A")
    orgs = {"A": owner["organizationId"]}
    viewer = anonymous.sign_up("viewer@a.example", "Viewer")
    app.execute(
        c.build_command(
            c.AddMember,
            {"organization_id": orgs["A"], "user_id": viewer["userId"], "role": "viewer"},
        ),
        SYSTEM,
    )
    stranger = anonymous.sign_up("owner@b.example", "Owner B")
    anonymous.token = stranger["accessToken"]
    orgs["B"] = anonymous('mutation { createOrganization(name: "B Corp") { id } }')[
        "createOrganization"
    ]["id"]
    tokens = {"owner": owner["accessToken"], "viewer": viewer["accessToken"]}
    world = World(app, http, tokens, orgs, local_repository(base / "repo"))
    created = world.client(tokens["owner"])(
        'mutation { createApiToken(name: "ro", scopes: ["read"]) { id token } }'
    )["createApiToken"]
    world.read_token = created["token"]
    users = {"owner": owner["userId"], "viewer": viewer["userId"]}
    pools = Pools(
        {org: [world.seed(org)] for org in ("A", "B")},
        [owner["userId"], viewer["userId"], stranger["userId"]],
        [created["id"]],
        world.repository,
    )
    pools.users += [seeds[0]["member"] for seeds in pools.seeds.values()]
    return FuzzWorld(
        world,
        pools,
        users,
        {
            "owner": tokens["owner"],
            "viewer": tokens["viewer"],
            "anonymous": None,
            "read-only token": world.read_token,
        },
    )


# Arguments: drawn for the argument's name


KINDS = (
    ("organization", "org"),
    ("project", "project"),
    ("environment", "env"),
    ("service", "service"),
    ("deployment", "deployment"),
    ("node", "node"),
    ("cluster", "cluster"),
    ("guest", "guest"),
    ("invitation", "invitation"),
    ("user", "user"),
    ("member", "user"),
    ("apitoken", "token"),
)
"""The kind of id an argument takes: from its name (``serviceId``), else from its field's
(``cancelDeployment(id:)``; the first kind the name mentions)."""


def kind_of(field_name: str, argument: str) -> str | None:
    name = (argument[:-2] if argument.endswith("Id") else field_name).lower()
    found = sorted((name.find(word), kind) for word, kind in KINDS if word in name)
    return found[0][1] if found else None


NASTY = [
    *("\x00", "\x7f", "\u0085", "\u2028", "\ufeff", "\u202e", "\U0001f600", "\n", "\r\n", "\t"),
    *("'", '"', "\\", "%", "_", "`", "$(id)", "${x}", "../", "<b>", "--", ";"),
]
"""Characters and fragments that have broken storage, SQL, shells and logs elsewhere."""


def strings(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text; text made of nasty pieces; edge values."""
    return st.one_of(
        st.text(max_size=max_size),
        st.lists(st.sampled_from(NASTY) | st.text(max_size=3), max_size=6).map("".join),
        st.sampled_from(["", " ", "0", "-1", "null", "1e309", "a" * 1000, "é" * 70_000]),
    )


SLUGS = st.from_regex(r"\A[a-z][a-z0-9-]{0,14}\Z")
NAMES = st.from_regex(r"\A[_A-Za-z][_0-9A-Za-z]{0,12}\Z")
"""GraphQL names (the keys of an object literal)."""

WORDS: dict[str, st.SearchStrategy[str]] = {
    "createService.kind": st.sampled_from(["web", "worker", "database", "cron"]),
    "addEnvironment.kind": st.sampled_from(["production", "preview", "development"]),
    "createGuest.kind": st.sampled_from(["lxc", "qemu"]),
    "registerNode.kind": st.sampled_from(["docker", "proxmox_guest"]),
    "healthCheck.kind": st.sampled_from(["http", "tcp", "command"]),
    "role": st.sampled_from(["viewer", "member", "admin", "owner"]),
    "action": st.sampled_from(["start", "stop", "shutdown", "reboot", "delete", "create"]),
    "mode": st.sampled_from(["auto", "dockerfile"]),
    "loadBalancing": st.sampled_from(["round_robin", "least_conn", "ip_hash", "random"]),
    "stream": st.sampled_from(["build", "runtime", "system"]),
    "scopes": st.sampled_from(["read", "write", "deploy", "admin"]),
    "email": st.sampled_from(["owner@a.example", "viewer@a.example", "owner@b.example"])
    | SLUGS.map(lambda s: s + "@x.example"),
    "password": st.sampled_from(["correct horse battery", "long enough password"]),
    "name": SLUGS,
    "slug": SLUGS,
    "names": st.sampled_from(["DB_PASSWORD", "A"]),
    "endpoint": st.sampled_from(["tcp://10.0.0.9:2376", "unix:///var/run/docker.sock"]),
    "url": st.sampled_from(["https://10.0.0.11:8006"]),
    "image": st.sampled_from(["busybox:1", "registry.example/app@sha256:" + "a" * 64]),
    "node": st.sampled_from(["pve1"]),
    "storage": st.sampled_from(["local-lvm"]),
    "bridge": st.sampled_from(["vmbr0"]),
    "tokenId": st.sampled_from(["root@pam!c"]),
    "tokenSecret": st.sampled_from(["s3cret"]),
    "osTemplate": st.sampled_from(["local:vztmpl/debian-12.tar.zst"]),
    "cronSchedule": st.sampled_from(["*/5 * * * *", "@daily", "61 * * * *"]),
    "domains": SLUGS.map(lambda s: s + ".example.com"),
    "branch": st.sampled_from(["main", "nope"]),
    "rootDirectory": st.sampled_from(["", "sub", "../.."]),
    "dockerfilePath": st.sampled_from(["Dockerfile", "../Dockerfile"]),
    "path": st.sampled_from(["/", "/healthz"]),
    "commit": st.sampled_from(["0" * 40, "HEAD"]),
    "after": st.integers(-5, 10**12).map(str),
}
"""Plausible values for String arguments and input fields by name (or by field and name),
so that commands get past validation now and then; each is drawn beside arbitrary text."""


def datetime_values() -> st.SearchStrategy[str]:
    zones = st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30))])
    return st.one_of(
        st.datetimes(timezones=zones).map(lambda d: d.isoformat()),
        st.dates().map(lambda d: d.isoformat()),
        strings(),
    )


def any_json() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = st.one_of(
        strings().map(nodes.String),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    )

    def nest(inner: st.SearchStrategy[graphql.ValueNode]) -> st.SearchStrategy[graphql.ValueNode]:
        return st.one_of(st.lists(inner, max_size=4).map(nodes.List), objects(inner))

    return st.recursive(leaves, nest, max_leaves=12)


def objects(values: st.SearchStrategy[graphql.ValueNode]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.dictionaries(NAMES, values, max_size=4).map(
        lambda d: nodes.Object(
            [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in d.items()]
        )
    )


SITES = {
    name: f"\x00fuzz-{name}\x00" for name in ("ID", "String", "Int", "JSON", "DateTime", "Date")
}
"""hypothesis-graphql writes these for every argument of these scalars; each is then replaced
by a value drawn for that argument (see ``Draws.site``)."""
SCALARS = {name: st.just(nodes.String(marker)) for name, marker in SITES.items()}


@dataclass
class Draws:
    """Values for the placeholders of a document, by the argument they stand in."""

    pools: Pools

    def site(self, scalar: str, field_name: str, path: tuple[str, ...]) -> Any:
        """A strategy of value nodes for one argument (``path``: its name, or the input
        fields leading to it) of the root field ``field_name``."""
        if scalar == "ID":
            return self.ids(field_name, path[-1]).map(nodes.String)
        if scalar == "JSON":
            return st.one_of(objects(strings().map(nodes.String)), any_json())
        if scalar == "Int":
            return self.ints(path[-1]).map(nodes.Int)
        if scalar == "DateTime":
            return datetime_values().map(nodes.String)
        if scalar == "Date":
            return st.one_of(st.dates().map(lambda d: d.isoformat()), strings()).map(nodes.String)
        return self.words(field_name, path).map(nodes.String)

    def ids(self, field_name: str, argument: str) -> st.SearchStrategy[str]:
        """Mostly a real id of the right kind (of either organisation); else any."""
        kind = kind_of(field_name, argument)
        real = [
            st.builds(
                self.pools.pick,
                st.just(k),
                st.sampled_from("AB"),
                st.booleans(),
                st.integers(0, 99),
            )
            for k in ([kind] if kind else [])
        ]
        anything = st.builds(
            self.pools.pick,
            st.sampled_from([*SEED_KEYS, "user", "token"]),
            st.sampled_from("AB"),
            st.booleans(),
            st.integers(0, 99),
        )
        return st.one_of(*real * 6, anything, st.uuids().map(str), strings())

    def ints(self, argument: str) -> st.SearchStrategy[int]:
        """Mostly a small number (a page size for ``first``); else any 32-bit number."""
        plausible = st.integers(1, 200) if argument == "first" else st.integers(0, 3000)
        return st.one_of(plausible, plausible, st.integers(-(2**31), 2**31 - 1))

    def words(self, field_name: str, path: tuple[str, ...]) -> st.SearchStrategy[str]:
        name = path[-1]
        plausible = next(
            (
                WORDS[key]
                for key in (f"{field_name}.{name}", ".".join(path[-2:]), name)
                if key in WORDS
            ),
            None,
        )
        if name == "repositoryUrl":
            plausible = st.sampled_from([self.pools.repository, "https://example.invalid/x.git"])
        if name == "actor":
            plausible = st.sampled_from(self.pools.users)
        if plausible is None:
            return strings()
        spoilt = st.tuples(plausible, st.sampled_from(NASTY)).map("".join)
        return st.one_of(plausible, plausible, spoilt, strings())


class _Sites(graphql.Visitor):
    """Finds the placeholders of a document in order, with their root field and argument
    path; given ``values``, replaces the n-th placeholder by the n-th value."""

    def __init__(self, values: tuple[graphql.ValueNode, ...] | None = None) -> None:
        super().__init__()
        self.found: list[tuple[str, str, tuple[str, ...]]] = []
        self.values = values
        self.fields: list[str] = []
        self.path: list[str] = []

    def enter_field(self, node: graphql.FieldNode, *_: object) -> None:
        self.fields.append(node.name.value)

    def leave_field(self, *_: object) -> None:
        self.fields.pop()

    def enter_argument(self, node: graphql.ArgumentNode, *_: object) -> None:
        self.path.append(node.name.value)

    def leave_argument(self, *_: object) -> None:
        self.path.pop()

    def enter_object_field(self, node: graphql.ObjectFieldNode, *_: object) -> None:
        self.path.append(node.name.value)

    def leave_object_field(self, *_: object) -> None:
        self.path.pop()

    def enter_string_value(self, node: graphql.StringValueNode, *_: object) -> Any:
        scalar = next((name for name, marker in SITES.items() if node.value == marker), None)
        if scalar is None:
            return None
        self.found.append((scalar, self.fields[-1], tuple(self.path)))
        return None if self.values is None else self.values[len(self.found) - 1]


def filled(draws: Draws, document: graphql.DocumentNode) -> st.SearchStrategy[str]:
    """The document with a value drawn for each placeholder, printed."""
    sites = _Sites()
    graphql.visit(document, sites)
    values = st.tuples(*(draws.site(*found) for found in sites.found))
    return values.map(lambda drawn: graphql.print_ast(graphql.visit(document, _Sites(drawn))))


def root_fields(type_: graphql.GraphQLObjectType | None) -> list[str]:
    assert type_ is not None
    return sorted(type_.fields)


def documents(
    draws: Draws, schema: graphql.GraphQLSchema, make: Callable[..., Any], names: list[str]
) -> st.SearchStrategy[str]:
    """Operations of one root field each (each field as likely as another)."""
    return st.one_of(
        *(make(schema, fields=[n], custom_scalars=SCALARS, print_ast=lambda d: d) for n in names)
    ).flatmap(lambda document: filled(draws, document))


def query_documents(draws: Draws) -> st.SearchStrategy[str]:
    """A query of one root field, or of several."""
    several = queries(SCHEMA, custom_scalars=SCALARS, print_ast=lambda d: d).flatmap(
        lambda document: filled(draws, document)
    )
    return documents(draws, SCHEMA, queries, root_fields(SCHEMA.query_type)) | several


def mutation_documents(draws: Draws) -> st.SearchStrategy[str]:
    """A mutation of exactly one root field: a refusal then means nothing was done."""
    return documents(draws, SCHEMA, mutations, root_fields(SCHEMA.mutation_type))


SUBSCRIPTIONS = graphql.GraphQLSchema(query=SCHEMA.subscription_type)
"""The Subscription type as a query root, so hypothesis-graphql generates its fields."""


def subscription_documents(draws: Draws) -> st.SearchStrategy[str]:
    names = root_fields(SCHEMA.subscription_type)
    return documents(draws, SUBSCRIPTIONS, queries, names).map(lambda d: "subscription " + d)


# Properties


def check_answer(status: int, body: Any, what: str) -> None:
    """No 5xx; every error coded, none INTERNAL."""
    assert status < 500, f"{what}: HTTP {status}: {body}"
    assert isinstance(body, dict), f"{what}: not a GraphQL answer: {body!r}"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code is not None, f"{what}: an error without a code: {error}"
        assert code != "INTERNAL", f"{what}: INTERNAL: {error}"


def refused(body: dict[str, Any]) -> bool:
    """The request itself was refused: no data, and a refusal of the whole request or of
    its root field. (An error deeper in the selection, such as a bad ``first`` on a nested
    list, comes after the mutation ran; its answer says so with ``extensions.position``.)"""
    return body.get("data") is None and any(
        (e.get("extensions") or {}).get("code") in REFUSALS and len(e.get("path") or ()) <= 1
        for e in body.get("errors") or []
    )


def send(fw: FuzzWorld, token: str | None, document: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = fw.world.http.post("/graphql", json={"query": document}, headers=headers)
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return response.status_code, body


# The fuzz


@pytest.mark.timeout(600)
def test_fuzzed_queries_never_fail_inside_the_server_and_never_write(
    fuzz_world: FuzzWorld,
) -> None:
    @fuzz(examples=400)
    @given(document=query_documents(Draws(fuzz_world.pools)), caller=st.sampled_from(CALLERS))
    def run(document: str, caller: str) -> None:
        token = fuzz_world.token(caller)
        before = fuzz_world.head()
        status, body = send(fuzz_world, token, document)
        check_answer(status, body, f"{document} as {caller}")
        assert fuzz_world.head() == before, f"a query wrote to the event log: {document}"

    run()


@pytest.mark.timeout(600)
def test_fuzzed_mutations_never_fail_inside_the_server_and_refusals_record_nothing(
    fuzz_world: FuzzWorld,
) -> None:
    @fuzz(examples=800)
    @given(document=mutation_documents(Draws(fuzz_world.pools)), caller=st.sampled_from(CALLERS))
    def run(document: str, caller: str) -> None:
        fuzz_world.next_example()
        token = fuzz_world.token(caller)  # signing in again is no part of the request
        before = fuzz_world.head()
        status, body = send(fuzz_world, token, document)
        check_answer(status, body, f"{document} as {caller}")
        if refused(body):
            assert fuzz_world.head() == before, (
                f"a refused mutation wrote to the event log: {document} as {caller}: {body}"
            )

    run()


QUIET = 0.5
"""How long a subscription may stay quiet (it is live, with nothing to replay) before the
next example: the fuzz checks what it answers, not that it answers."""


@pytest.mark.timeout(600)
def test_fuzzed_subscriptions_never_fail_inside_the_server(fuzz_world: FuzzWorld) -> None:
    @fuzz(examples=80)
    @given(
        document=subscription_documents(Draws(fuzz_world.pools)), caller=st.sampled_from(CALLERS)
    )
    def run(document: str, caller: str) -> None:
        token = fuzz_world.token(caller)
        before = fuzz_world.head()
        http = fuzz_world.world.http
        with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json(
                {
                    "type": "connection_init",
                    "payload": {"authorization": f"Bearer {token}"} if token else {},
                }
            )
            assert ws.receive_json(timeout=10)["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document}})
            message = first_message(ws)
            what = f"{document} as {caller}"
            if message is not None and message["type"] == "error":
                check_answer(200, {"errors": message["payload"]}, what)
            elif message is not None:
                assert message["type"] in ("next", "complete"), f"{what}: {message}"
                check_answer(200, message.get("payload") or {}, what)
        assert fuzz_world.head() == before, f"a subscription wrote to the event log: {document}"

    run()


def first_message(ws: Any) -> dict[str, Any] | None:
    """The subscription's first message, or None when it stays quiet (it is live)."""
    while True:
        try:
            message: dict[str, Any] = ws.receive_json(timeout=QUIET)
        except queue.Empty:
            return None
        if message.get("type") not in ("ping", "pong"):
            return message


# Raw WebSocket messages


NOT_UNICODE = "\x01not-unicode\x01"
"""Stands for an escaped lone surrogate (``"\\ud800"``), which JSON can carry and
Python decodes, but which is not Unicode text; spliced into the message's JSON text."""

WS_DOCUMENTS = (
    "query($o: ID!, $s: String) { auditLog(organizationId: $o, action: $s, actor: $s) "
    "{ nodes { id } } }",
    'query($c: ID!, $s: String!) { nodeMetrics(clusterId: $c, node: $s, since: "2020-01-01") '
    "{ at } }",
    "query($v: ID, $s: String) { logs(serviceId: $v, text: $s) { lines { line } } }",
    'mutation($p: ID!, $s: String!) { createService(projectId: $p, name: $s, kind: "worker", '
    'settings: {image: "busybox:1", startCommand: $s}) { id } }',
    "mutation($o: ID!, $s: String!) { createProject(organizationId: $o, name: $s) { id } }",
    "subscription($p: ID!) { projectActivity(projectId: $p) { action } }",
    "subscription($o: ID!) { nodeUpdated(organizationId: $o, after: 0) { name } }",
)
"""Documents whose variables reach filters, commands and subscriptions."""
CLOSE_CODES = {1000, 4400, 4401, 4403, 4408, 4409, 4429}
"""How the graphql-transport-ws protocol may end a connection (never 1011, a crash)."""


def ws_messages(draws: Draws) -> st.SearchStrategy[str]:
    """A protocol message as JSON text: mostly a subscribe with drawn variables, now and
    then text that is not Unicode, another message type, or any JSON at all."""
    pick = draws.pools.pick
    variables = st.fixed_dictionaries(
        {
            "o": st.builds(pick, st.just("org"), st.sampled_from("AB"), st.just(True), st.just(0)),
            "p": st.builds(
                pick, st.just("project"), st.sampled_from("AB"), st.just(True), st.just(0)
            ),
            "c": st.builds(
                pick, st.just("cluster"), st.sampled_from("AB"), st.just(True), st.just(0)
            ),
            "v": st.builds(
                pick, st.just("service"), st.sampled_from("AB"), st.just(True), st.just(0)
            ),
            "s": strings() | st.just(NOT_UNICODE) | st.just(f"web{NOT_UNICODE}"),
        },
    )
    subscribe = st.fixed_dictionaries(
        {
            "id": st.sampled_from(["1", "2"]) | strings(5),
            "type": st.sampled_from(["subscribe"] * 6 + ["complete", "ping", "next", "bogus"]),
            "payload": st.fixed_dictionaries(
                {"query": st.sampled_from(WS_DOCUMENTS), "variables": variables}
            ),
        }
    )
    text = st.one_of(subscribe, subscribe, subscribe, json_documents()).map(json.dumps)
    return text.map(lambda t: t.replace(json.dumps(NOT_UNICODE)[1:-1], "\\ud800"))


def ws_answers(ws: Any, what: str) -> None:
    """Read what the server says to a message until it answers a ping or closes: every
    message coded and none INTERNAL; a close only with a code of the protocol."""
    ws.send_text(json.dumps({"type": "ping"}))
    while True:
        try:
            message: dict[str, Any] = ws.receive_json(timeout=QUIET)
        except queue.Empty:
            return
        except WebSocketDisconnect as closed:
            code = closed.code
            break
        if message.get("type") == "pong":
            return
        if message.get("type") == "error":
            check_answer(200, {"errors": message.get("payload")}, what)
        elif message.get("type") == "next":
            check_answer(200, message.get("payload") or {}, what)
    assert code in CLOSE_CODES, f"{what}: closed with {code}"


@pytest.mark.timeout(600)
def test_raw_websocket_messages_never_fail_inside_the_server(fuzz_world: FuzzWorld) -> None:
    @fuzz(examples=120)
    @given(messages=st.lists(ws_messages(Draws(fuzz_world.pools)), min_size=1, max_size=3))
    def run(messages: list[str]) -> None:
        token = fuzz_world.token("owner")
        http = fuzz_world.world.http
        with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            assert ws.receive_json(timeout=10)["type"] == "connection_ack"
            for message in messages:
                try:
                    ws.send_text(message)
                except WebSocketDisconnect:
                    return
                ws_answers(ws, message[:300])

    run()


# Raw bodies and headers against a real server


def json_documents() -> st.SearchStrategy[Any]:
    def nest(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.lists(inner, max_size=4) | st.dictionaries(strings(8), inner, max_size=4)

    leaves = st.none() | st.booleans() | st.integers() | st.floats() | strings()
    return st.recursive(leaves, nest, max_leaves=16)


def request_shapes() -> st.SearchStrategy[Any]:
    """Objects shaped like a GraphQL request, each member of any type."""
    texts = st.one_of(
        strings(200),
        st.sampled_from(
            [
                "{ viewer { id } }",
                "query Q { viewer { id } } query R { viewer { email } }",
                "mutation { logOut }",
                'subscription { nodeUpdated(organizationId: "x") { id } }',
                "query($v: JSON) { viewer { id } }",
                "fragment F on Viewer { id }",
            ]
        ),
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "query": texts | json_documents(),
            "variables": st.dictionaries(strings(8), json_documents(), max_size=4)
            | json_documents(),
            "operationName": strings(10) | json_documents(),
            "extensions": json_documents(),
        },
    )


def nested(depth: int, opener: str, closer: str, middle: str = "1") -> bytes:
    return (opener * depth + middle + closer * depth).encode()


def raw_bodies() -> st.SearchStrategy[bytes]:
    depth = st.integers(1, 60_000)
    return st.one_of(
        st.binary(max_size=2000),
        json_documents().map(lambda v: json.dumps(v).encode()),
        request_shapes().map(lambda v: json.dumps(v).encode()),
        depth.map(lambda d: nested(d, "[", "]")),
        depth.map(lambda d: nested(d, '{"a":', "}")),
        depth.map(
            lambda d: (
                b'{"query": "{ viewer { id } }", "variables": {"v": ' + nested(d, "[", "]") + b"}}"
            )
        ),
        st.integers(1, 5000).map(lambda d: json.dumps({"query": "{" * d + "}" * d}).encode()),
        st.integers(1, 3000).map(
            lambda d: json.dumps({"query": "{ viewer " + "{ id " * d + "}" * d + " }"}).encode()
        ),
    )


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(
    str.strip
)
"""Header values as HTTP allows them (printable ASCII, no surrounding blanks)."""


def raw_headers() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "content-type": st.sampled_from(
                ["application/json", "text/plain", "application/graphql", "multipart/form-data"]
            )
            | HEADER_TEXT,
            "authorization": HEADER_TEXT | HEADER_TEXT.map(lambda t: f"Bearer {t}".strip()),
            "x-containr-after": HEADER_TEXT | st.integers().map(str),
            "cache-control": st.sampled_from(["no-cache", "max-age=0"]) | HEADER_TEXT,
        },
    )


@pytest.fixture(scope="module")
def live_server(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    config = settings_for(tmp_path_factory.mktemp("fuzz-server"), postgres_url, redis_url)
    migrate(config)
    server = Server(config)
    try:
        yield server
    finally:
        server.stop()
        drop_schemas(postgres_url, config.database_schema)


@pytest.mark.timeout(600)
def test_raw_bodies_and_headers_never_get_a_5xx(live_server: Server) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as http:

        @fuzz(examples=300)
        @given(body=raw_bodies(), headers=raw_headers())
        def run(body: bytes, headers: dict[str, str]) -> None:
            response = http.post("/graphql", content=body, headers=headers)
            assert response.status_code < 500, f"HTTP {response.status_code}: {response.text}"
            if response.headers.get("content-type", "").startswith("application/json"):
                check_answer(response.status_code, response.json(), repr(body[:200]))

        run()
