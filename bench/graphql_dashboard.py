"""The dashboard query under 50 concurrent clients, beside a raw-SQL Litestar endpoint.

Run as `python -m bench.graphql_dashboard` (PostgreSQL on 127.0.0.1:5432, Redis on
127.0.0.1:6379). One organisation with 50 projects of 5 services, each service with a healthy
deployment. Every server runs as N processes on one address (N = BENCH_API_PROCESSES, by
default one per core: ``containr serve --processes N`` in the server setup, and the same
number of processes, each with a socket of its own on the port, for the two bare endpoints).
Four runs, 50 keep-alive connections each:
- raw (the baseline): a bare Litestar endpoint that reads the same rows with ONE hand-written
  SQL query through psycopg (a pool as large as ours) and encodes them with msgspec;
- read_path: a bare Litestar endpoint answering the same JSON from our read path as the
  GraphQL query reads it (``DashboardQueries`` through a read gate per request: typed rows
  of the shown columns, one query per level, one read connection);
- dashboard_query_uncached: the GraphQL query with `Cache-Control: no-cache` (executed);
- dashboard_query: the normal path (the response cache, invalidated by change notices);
- dashboard_query_uncached_after_write: uncached again, carrying the X-Containr-After of the
  caller's last write (as the web app sends once its user has written; already applied).
Then the raw baseline and the uncached query again with one process each
(``*_one_process``), as a single Python process serves them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from typing import Any, cast

import httpx
import msgspec
import psycopg
import uvicorn
from litestar import Litestar, Response, get
from psycopg_pool import ConnectionPool

from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.bus import Context
from application.secrets import Secret, secret_dec_hook
from application.settings import Settings
from bench.common import bench_line, scratch_postgres
from bench.loadgen import request_bytes, run_load
from domain.ids import Actor
from interfaces.bootstrap import bootstrap
from interfaces.cli.serving import listening_socket

PROJECTS, SERVICES = 50, 5
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
PROCESSES = int(os.environ.get("BENCH_API_PROCESSES", str(os.cpu_count() or 1)))
REDIS_URL = os.environ.get("CONTAINR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SYSTEM = Context(actor=Actor("system:bench"))
QUERY = """query Dashboard($org: ID!) { organization(id: $org) { id name
  projects(first: 50) { nodes { id name slug services { id name kind replicas
    states { environmentId latestState liveImage
      latestDeployment { id state commit image requestedAt } } } } } } }"""


def seed(settings: Settings) -> tuple[str, str, int]:
    """An owner, their organisation's 50 projects x 5 services, each deployed; (token, org,
    the log's head once the read models applied it)."""
    app = bootstrap(settings)
    try:
        signed = app.auth.sign_up("bench@example.com", "Bench", Secret("a long bench password"))
        org = signed.organization_id
        assert org is not None
        for p in range(PROJECTS):
            created = app.execute(
                c.CreateProject(organization_id=org, name=f"Project {p:02}"), SYSTEM
            )
            project, env = created.id("project_id"), created.id("environment_id")
            for s in range(SERVICES):
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
                deployment = app.execute(
                    c.RequestDeployment(service_id=service, environment_id=env), SYSTEM
                ).id("deployment_id")
                for step in (
                    c.StartBuild(deployment_id=deployment, operation_id="b"),
                    c.RecordBuilt(
                        deployment_id=deployment,
                        operation_id="i",
                        image=f"app:{p}-{s}",
                        commit="ab" * 20,
                    ),
                    c.StartReplicas(deployment_id=deployment, operation_id="s"),
                    c.RecordHealthy(deployment_id=deployment, operation_id="h"),
                ):
                    app.execute(step, SYSTEM)
        host = cast(ReadModelHost, app.projections)
        for model in host.names():
            with closing(host.db.connect("bench")) as conn:
                host.runner(model, batch_size=5000).catch_up(conn)
        return signed.tokens.access_token, str(org), app.events.head()
    finally:
        app.close()


def read_path_server(encoded: str, port: int, org: str, token: str) -> None:
    """A bare Litestar endpoint answering the dashboard's JSON from our read path as the
    GraphQL query reads it (run in a child process): a fresh read gate per request checking
    every row, the columns the query shows (``columns=``), one read connection per request.
    The caller is authenticated once, at start (authentication is not the read path)."""
    settings = msgspec.json.decode(encoded, type=Settings, dec_hook=secret_dec_hook)
    app = bootstrap(settings)
    principal = app.auth.authenticate(token)
    org_id = uuid.UUID(org)
    encode = msgspec.json.Encoder().encode

    @get("/bare", sync_to_thread=True)
    def read_path() -> Response[bytes]:
        dashboard = app.reads(principal).dashboard
        with app.read_store.one_connection():
            organization = dashboard.organization(org_id)
            projects = dashboard.projects(org_id, limit=50)
            ids = [p.id for p in projects]
            services, states, found = dashboard.services_states_and_latest_of(
                ids,
                service_columns=SERVICE_COLUMNS,
                state_columns=STATE_COLUMNS,
                deployment_columns=DEPLOYMENT_COLUMNS,
            )
        latest = {d.id: d for d in found}
        by_service: dict[Any, list[Any]] = {}
        for state in states:
            d = latest.get(state.latest_deployment_id) if state.latest_deployment_id else None
            by_service.setdefault(state.service_id, []).append(
                {
                    "environmentId": state.environment_id,
                    "latestState": state.latest_state,
                    "liveImage": state.live_image,
                    "latestDeployment": None
                    if d is None
                    else {
                        "id": d.id,
                        "state": d.state,
                        "commit": d.commit,
                        "image": d.image,
                        "requestedAt": d.requested_at,
                    },
                }
            )
        by_project: dict[Any, list[Any]] = {}
        for s in services:
            by_project.setdefault(s.project_id, []).append(
                {
                    "id": s.id,
                    "name": s.name,
                    "kind": s.kind,
                    "replicas": s.replicas,
                    "states": by_service.get(s.id, []),
                }
            )
        body = {
            "data": {
                "organization": {
                    "id": organization.id,
                    "name": organization.name,
                    "projects": {
                        "nodes": [
                            {
                                "id": p.id,
                                "name": p.name,
                                "slug": p.slug,
                                "services": by_project.get(p.id, []),
                            }
                            for p in projects
                        ]
                    },
                }
            }
        }
        return Response(encode(body), media_type="application/json")

    serve(Litestar([read_path]), port)


SERVICE_COLUMNS = ("name", "kind", "replicas")
STATE_COLUMNS = ("environment_id", "latest_state", "live_image")
DEPLOYMENT_COLUMNS = ("state", "commit", "image", "requested_at")
"""What the dashboard query shows of services, states and deployments (as GraphQL narrows)."""


def narrow_sql(tables: dict[str, str]) -> str:
    """The columns the dashboard shows, of the organisation's first 50 live projects, their
    live services, the services' states and latest deployments: one join, one row per state."""
    t = tables
    return (
        "SELECT o.id, o.name, p.id, p.name, p.slug, s.id, s.name, s.kind, s.replicas, "
        "st.environment_id, st.latest_state, st.live_image, "
        "d.id, d.state, d.commit, d.image, d.requested_at "
        f"FROM (SELECT id, organization_id, name, slug FROM {t['projects']} "
        "WHERE organization_id = %(org)s AND deleted_at IS NULL ORDER BY slug LIMIT 50) p "
        f"JOIN {t['organizations']} o ON o.id = p.organization_id "
        f"LEFT JOIN {t['services']} s ON s.project_id = p.id AND NOT s.deleted "
        f"LEFT JOIN {t['service_states']} st ON st.service_id = s.id "
        f"LEFT JOIN {t['deployments']} d ON d.id = st.latest_deployment_id "
        "ORDER BY p.slug, s.name"
    )


def raw_tables(url: str, schema: str) -> dict[str, str]:
    """The qualified names of the active dashboard generation's tables."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = %s AND tablename LIKE 'dashboard_g%%'",
            (schema,),
        ).fetchall()
    generation = max(int(name.split("_")[1][1:]) for (name,) in found)
    names = ("organizations", "projects", "services", "service_states", "deployments")
    return {t: f'"{schema}"."dashboard_g{generation}_{t}"' for t in names}


def raw_body(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The dashboard query's JSON from the joined rows (ordered by project, then service)."""
    projects: list[dict[str, Any]] = []
    organization: dict[str, Any] = {"projects": {"nodes": projects}}
    project: dict[str, Any] = {}
    service: dict[str, Any] = {}
    for row in rows:
        (org_id, org_name, p_id, p_name, p_slug, s_id, s_name, s_kind, s_replicas) = row[:9]
        organization["id"], organization["name"] = org_id, org_name
        if project.get("id") != p_id:
            project = {"id": p_id, "name": p_name, "slug": p_slug, "services": []}
            projects.append(project)
        if s_id is None:
            continue
        if service.get("id") != s_id:
            service = {"id": s_id, "name": s_name, "kind": s_kind, "replicas": s_replicas}
            service["states"] = []
            project["services"].append(service)
        env_id, latest_state, live_image, d_id, d_state, d_commit, d_image, d_at = row[9:]
        if env_id is None:
            continue
        service["states"].append(
            {
                "environmentId": env_id,
                "latestState": latest_state,
                "liveImage": live_image,
                "latestDeployment": None
                if d_id is None
                else {
                    "id": d_id,
                    "state": d_state,
                    "commit": d_commit,
                    "image": d_image,
                    "requestedAt": d_at,
                },
            }
        )
    return {"data": {"organization": organization}}


def raw_server(encoded: str, port: int, org: str) -> None:
    """The baseline: a bare Litestar endpoint reading the same rows with one hand-written
    SQL query through psycopg, encoded with msgspec (run in a child process)."""
    settings = msgspec.json.decode(encoded, type=Settings, dec_hook=secret_dec_hook)
    assert settings.database_url is not None
    sql = narrow_sql(raw_tables(settings.database_url, f"{settings.database_schema}_rm"))
    pool = ConnectionPool(
        settings.database_url,
        min_size=settings.database_pool_size,
        max_size=settings.database_pool_size,
        kwargs={"autocommit": True},
        open=True,
    )
    params = {"org": uuid.UUID(org)}
    encode = msgspec.json.Encoder().encode

    @get("/raw", sync_to_thread=True)
    def raw() -> Response[bytes]:
        with pool.connection() as conn:
            rows = conn.execute(sql, params, prepare=True).fetchall()
        return Response(encode(raw_body(rows)), media_type="application/json")

    serve(Litestar([raw]), port)


def serve(app: Litestar, port: int) -> None:
    """Serve ``app`` on a socket of its own bound to the port, beside the other processes
    serving it there (``SO_REUSEPORT``, as ``containr serve --processes`` does)."""
    with listening_socket("127.0.0.1", port) as sock:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    args: list[str], env: dict[str, str], url: str, processes: int = 1
) -> list[subprocess.Popen[bytes]]:
    """``processes`` of a bare server, or one `containr serve` (which starts its own), once
    the url answers (`containr serve --processes` answers once all of them listen)."""
    procs = [
        subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            if processes == 1 or listeners(url) == processes:
                return procs
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    for proc in procs:
        proc.kill()
    raise RuntimeError(f"{args} did not start")


def listeners(url: str) -> int:
    """How many sockets listen on the url's port (from /proc/net/tcp)."""
    port = int(url.split(":")[2].split("/", maxsplit=1)[0])
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if row[3] == "0A" and int(row[1].split(":")[1], 16) == port)


def same_answer(a: Any, b: Any) -> bool:
    """Whether two JSON answers are equal (a UTC instant written with +00:00 or with Z)."""

    def text(value: Any) -> bytes:
        return msgspec.json.encode(value, order="sorted").replace(b'+00:00"', b'Z"')

    return text(a) == text(b)


def main() -> None:
    with scratch_postgres(pool_size=8) as settings:
        token, org, head = seed(settings)
        assert settings.database_url is not None
        assert settings.secret_key is not None
        env = dict(
            os.environ,
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=settings.secret_key.reveal(),
            CONTAINR_DATA_DIR=settings.data_dir,
            CONTAINR_LOG_LEVEL="WARNING",
            CONTAINR_DATABASE_POOL_SIZE="8",
            CONTAINR_REDIS_URL=REDIS_URL,
        )
        encoded = msgspec.json.encode(
            settings, enc_hook=lambda o: o.reveal() if isinstance(o, Secret) else o
        ).decode()
        # Free ports of our own: other benchmarks may run on this machine at the same time.
        api_port, path_port, raw_port = free_port(), free_port(), free_port()
        one_port, raw_one_port = free_port(), free_port()
        serve = ["-m", "interfaces", "serve", "--workers-external"]
        servers = [
            *start(
                [*serve, "--processes", str(PROCESSES), "--port", str(api_port)],
                env,
                f"http://127.0.0.1:{api_port}/healthz",
            ),
            *start(
                ["-m", "bench.graphql_dashboard", "bare", encoded, str(path_port), org, token],
                env,
                f"http://127.0.0.1:{path_port}/bare",
                PROCESSES,
            ),
            *start(
                ["-m", "bench.graphql_dashboard", "raw", encoded, str(raw_port), org],
                env,
                f"http://127.0.0.1:{raw_port}/raw",
                PROCESSES,
            ),
            *start(
                [*serve, "--processes", "1", "--port", str(one_port)],
                env,
                f"http://127.0.0.1:{one_port}/healthz",
            ),
            *start(
                ["-m", "bench.graphql_dashboard", "raw", encoded, str(raw_one_port), org],
                env,
                f"http://127.0.0.1:{raw_one_port}/raw",
            ),
        ]
        print(f"{PROCESSES} processes per server, {CLIENTS} clients")
        try:
            body = msgspec.json.encode({"query": QUERY, "variables": {"org": org}})
            auth = {"Authorization": f"Bearer {token}"}
            check = httpx.post(
                f"http://127.0.0.1:{api_port}/graphql",
                content=body,
                headers={**auth, "content-type": "application/json"},
            ).json()
            assert check.get("data"), check
            services = sum(
                len(p["services"]) for p in check["data"]["organization"]["projects"]["nodes"]
            )
            assert services == PROJECTS * SERVICES, check
            for url in (
                f"http://127.0.0.1:{raw_port}/raw",
                f"http://127.0.0.1:{path_port}/bare",
                f"http://127.0.0.1:{raw_one_port}/raw",
            ):
                assert same_answer(httpx.get(url).json(), check), f"{url} answers otherwise"
            runs = {}
            for name, port, request in (
                ("raw", raw_port, request_bytes("GET", "/raw", "127.0.0.1")),
                ("read_path", path_port, request_bytes("GET", "/bare", "127.0.0.1")),
                (
                    "uncached",
                    api_port,
                    request_bytes(
                        "POST", "/graphql", "127.0.0.1", body, {**auth, "Cache-Control": "no-cache"}
                    ),
                ),
                ("cached", api_port, request_bytes("POST", "/graphql", "127.0.0.1", body, auth)),
                (
                    "uncached_after",
                    api_port,
                    request_bytes(
                        "POST",
                        "/graphql",
                        "127.0.0.1",
                        body,
                        {**auth, "Cache-Control": "no-cache", "X-Containr-After": str(head)},
                    ),
                ),
                ("raw_one", raw_one_port, request_bytes("GET", "/raw", "127.0.0.1")),
                (
                    "uncached_one",
                    one_port,
                    request_bytes(
                        "POST", "/graphql", "127.0.0.1", body, {**auth, "Cache-Control": "no-cache"}
                    ),
                ),
            ):
                run_load("127.0.0.1", port, request, clients=CLIENTS, seconds=2)  # warm up
                runs[name] = run_load("127.0.0.1", port, request, clients=CLIENTS, seconds=SECONDS)
                result = runs[name]
                print(
                    f"{name:9} {result.rps:8.1f} req/s  p50 {result.p50:7.1f} ms  "
                    f"p99 {result.p99:7.1f} ms  errors {result.errors}"
                )
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=20)
    base = runs["raw"]
    baseline = "bare_litestar_one_psycopg_query_msgspec"
    for headline, name in (
        ("dashboard_read_path", "read_path"),
        ("dashboard_query_uncached", "uncached"),
        ("dashboard_query", "cached"),
        ("dashboard_query_uncached_after_write", "uncached_after"),
    ):
        print(bench_line(headline, runs[name].rps, "req/s", base.rps, baseline))
    for headline, name in (
        ("dashboard_query_uncached_p99", "uncached"),
        ("dashboard_query_p99", "cached"),
    ):
        print(
            f"BENCH {headline} {runs[name].p99:.1f} ms "
            f"ratio={runs[name].p99 / base.p99:.3f} baseline={baseline}_p99"
        )
    one = runs["raw_one"]
    print(
        bench_line(
            "dashboard_query_uncached_one_process",
            runs["uncached_one"].rps,
            "req/s",
            one.rps,
            f"{baseline}_one_process",
        )
    )
    print(
        f"BENCH dashboard_query_uncached_one_process_p99 {runs['uncached_one'].p99:.1f} ms "
        f"ratio={runs['uncached_one'].p99 / one.p99:.3f} baseline={baseline}_one_process_p99"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        read_path_server(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif len(sys.argv) > 1 and sys.argv[1] == "raw":
        raw_server(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
