"""A PostgreSQL outage: the API fails fast, says so, and recovers by itself.

The test runs a PostgreSQL cluster of its own (initdb and pg_ctl on a free port, as the
``postgres`` user when run as root) and stops it under a running `containr serve`; the
shared server on 5432 is never touched.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from application.secrets import Secret
from application.settings import Settings
from interfaces.bootstrap import migrate
from tests.conftest import TEST_SECRET_KEY, service_missing
from tests.e2e.client import Client
from tests.e2e.conftest import Server, free_port

pytestmark = pytest.mark.slow

PG_BIN = Path(os.environ.get("CONTAINR_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
READY_TIMEOUT = 3.0  # the client's patience with /readyz, which answers within a second
API_TIMEOUT = 10.0  # the client's patience with GraphQL, which answers within 5 s

PROJECTS = "query($o: ID!) { organization(id: $o) { projects { nodes { id name } } } }"
CREATE = """mutation($o: ID!, $n: String!, $m: String) {
  createProject(organizationId: $o, name: $n, clientMutationId: $m) { id name }
}"""
RENAME = """mutation($p: ID!, $n: String!, $m: String) {
  renameProject(id: $p, name: $n, clientMutationId: $m) { id name }
}"""
ACTIVITY = (
    "subscription($p: ID!, $a: Int!) { projectActivity(projectId: $p, after: $a) { action } }"
)


class OwnPostgres:
    """A PostgreSQL cluster of the test's own, started and stopped by the test."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
            service_missing("PostgreSQL's initdb and pg_ctl", f"not found in {PG_BIN}")
        self.base = Path(tempfile.mkdtemp(prefix="containr-outage-"))
        self.data = self.base / "data"
        self.port = free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as, str(PG_BIN / tool), *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{tool} failed: {done.stdout}{done.stderr}"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/containr"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        log = str(self.base / "postgres.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        """Stop at once, as a crash or a power cut would: no goodbye to the clients."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    cluster = OwnPostgres()
    try:
        cluster.start()
        with psycopg.connect(cluster.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE containr")
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def api(own_postgres: OwnPostgres, tmp_path: Path) -> Iterator[Server]:
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        database_url=own_postgres.url,
        database_schema="containr",
        secret_key=Secret(TEST_SECRET_KEY),
    )
    migrate(settings)
    server = Server(settings)
    yield server
    server.stop()


class Observed:
    """Every HTTP answer the test got, to check that none was a 500."""

    def __init__(self, server: Server) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=API_TIMEOUT)
        self.client = Client(server.url, self.http)
        server.clients.append(self.client)
        self.statuses: list[int] = []

    def post(
        self, query: str, token: str | None, after: int = 0, **variables: Any
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if after:  # read-your-writes: wait for the read models to reach this position
            headers["X-Containr-After"] = str(after)
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        self.statuses.append(response.status_code)
        return response.status_code, response.json()

    def ready(self) -> int:
        response = self.http.get("/readyz", timeout=READY_TIMEOUT)
        self.statuses.append(response.status_code)
        return response.status_code

    def head(self) -> int:
        body = self.http.get("/readyz", timeout=READY_TIMEOUT).json()
        return int(body["event_store"]["head"])


def codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code") for e in body.get("errors") or []}


def subscribing(server: Server, token: str) -> int:
    """How the server closes a WebSocket whose connection_init it cannot check."""
    url = server.url.replace("http", "ws", 1) + "/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=10) as ws:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        ws.send(json.dumps(init))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=API_TIMEOUT)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(0.2)


def test_an_outage_answers_unavailable_fast_and_recovers_without_a_restart(
    own_postgres: OwnPostgres, api: Server
) -> None:
    seen = Observed(api)
    email = f"outage-{uuid.uuid4().hex[:6]}@example.com"
    owner = seen.client.sign_up(email)
    token, org = owner["accessToken"], owner["organizationId"]
    # A second session whose token the server has never checked: checking it needs the
    # database.
    fresh = seen.client(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }",
        e=email,
        p="correct horse battery",
    )["logIn"]["accessToken"]
    status, body = seen.post(CREATE, token, o=org, n="Shop", m="first-send")
    assert status == 200 and not body.get("errors"), body
    shop = body["data"]["createProject"]["id"]  # this reply is "lost": the client re-sends
    with seen.client.subscribe(ACTIVITY, token=token, p=shop, a=0) as activity:
        assert activity.next()["projectActivity"]["action"] == "Project.Created"  # it is open
        own_postgres.stop()

        assert seen.ready() == 503
        assert seen.http.get("/healthz").status_code == 200  # alive, only not ready
        seen.statuses.append(seen.http.get("/metrics").status_code)
        status, body = seen.post(PROJECTS, token, o=org)
        assert codes(body) == {"UNAVAILABLE"}, body
        status, body = seen.post(PROJECTS, token, after=10**6, o=org)
        assert codes(body) == {"UNAVAILABLE"}, body
        status, body = seen.post(CREATE, token, o=org, n="During", m="during-outage")
        assert codes(body) == {"UNAVAILABLE"}, body
        status, body = seen.post(PROJECTS, fresh, o=org)  # the bearer token is checked first
        assert (status, codes(body)) == (503, {"UNAVAILABLE"}), body
        assert subscribing(api, fresh) == 1013  # "try again later"
        assert api.proc.poll() is None

        own_postgres.start()
        until(lambda: seen.ready() == 200)
        until(lambda: not seen.post(RENAME, token, p=shop, n="Shop 2", m="rename")[1].get("errors"))
        assert activity.next()["projectActivity"]["action"] == "Project.Renamed"

    head = seen.head()
    status, again = seen.post(CREATE, token, o=org, n="Shop", m="first-send")
    assert again["data"]["createProject"] == {"id": shop, "name": "Shop 2"}, again
    assert seen.head() == head  # the re-send recorded nothing
    status, during = seen.post(CREATE, token, o=org, n="During", m="during-outage")
    assert not during.get("errors"), during  # it never committed: now it does, once
    status, twice = seen.post(CREATE, token, o=org, n="During", m="during-outage")
    assert twice["data"] == during["data"]
    status, body = seen.post(PROJECTS, token, o=org)
    names = sorted(p["name"] for p in body["data"]["organization"]["projects"]["nodes"])
    assert names == ["During", "Shop 2"]
    assert 500 not in seen.statuses
