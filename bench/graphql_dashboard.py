"""The dashboard query under 50 concurrent clients, beside a bare Litestar JSON endpoint.

Run as `python -m bench.graphql_dashboard` (PostgreSQL on 127.0.0.1:5432). One organisation
with 50 projects of 5 services, each service with a healthy deployment. Three runs against
servers in their own processes, 50 keep-alive connections each:
- bare: a minimal Litestar endpoint returning the same rows from the same read model;
- dashboard_query_uncached: the GraphQL query with `Cache-Control: no-cache` (executed);
- dashboard_query: the normal path (the response cache, invalidated by change notices).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import closing
from typing import Any, cast

import httpx
import msgspec
import uvicorn
from litestar import Litestar, Response, get

from adapters.readstore.host import ReadModelHost
from application import commands as c
from application.bus import Context
from application.secrets import Secret, secret_dec_hook
from application.settings import Settings
from bench.common import bench_line, scratch_postgres
from bench.loadgen import request_bytes, run_load
from domain.ids import Actor
from interfaces.bootstrap import bootstrap

PROJECTS, SERVICES = 50, 5
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SYSTEM = Context(actor=Actor("system:bench"))
QUERY = """query Dashboard($org: ID!) { organization(id: $org) { id name
  projects(first: 50) { nodes { id name slug services { id name kind replicas
    states { environmentId latestState liveImage
      latestDeployment { id state commit image requestedAt } } } } } } }"""


def seed(settings: Settings) -> tuple[str, str]:
    """An owner, their organisation's 50 projects x 5 services, each deployed; (token, org)."""
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
        return signed.tokens.access_token, str(org)
    finally:
        app.close()


def bare_server(encoded: str, port: int, org: str) -> None:
    """A bare Litestar endpoint answering the same rows as JSON (run in a child process)."""
    settings = msgspec.json.decode(encoded, type=Settings, dec_hook=secret_dec_hook)
    app = bootstrap(settings)
    dashboard = app.dashboard
    org_id = uuid.UUID(org)
    encode = msgspec.json.Encoder().encode

    @get("/bare", sync_to_thread=True)
    def bare() -> Response[bytes]:
        organization = dashboard.organization(org_id)
        projects = dashboard.projects(org_id, limit=50)
        ids = [p.id for p in projects]
        services = dashboard.services_of(ids)
        states = dashboard.service_states_of(ids)
        latest = {
            d.id: d
            for d in dashboard.deployments_by_id(
                [s.latest_deployment_id for s in states if s.latest_deployment_id]
            )
        }
        by_service: dict[Any, list[Any]] = {}
        for state in states:
            d = latest.get(state.latest_deployment_id)
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

    uvicorn.run(Litestar([bare]), host="127.0.0.1", port=port, log_level="warning")


def start(args: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{args} did not start")


def main() -> None:
    with scratch_postgres(pool_size=8) as settings:
        token, org = seed(settings)
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
        )
        encoded = msgspec.json.encode(
            settings, enc_hook=lambda o: o.reveal() if isinstance(o, Secret) else o
        ).decode()
        api_port, bare_port = 18650, 18651
        api = start(
            ["-m", "interfaces", "serve", "--workers-external", "--port", str(api_port)],
            env,
            f"http://127.0.0.1:{api_port}/healthz",
        )
        bare = start(
            ["-m", "bench.graphql_dashboard", "bare", encoded, str(bare_port), org],
            env,
            f"http://127.0.0.1:{bare_port}/bare",
        )
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
            runs = {}
            for name, port, request in (
                ("bare", bare_port, request_bytes("GET", "/bare", "127.0.0.1")),
                (
                    "uncached",
                    api_port,
                    request_bytes(
                        "POST", "/graphql", "127.0.0.1", body, {**auth, "Cache-Control": "no-cache"}
                    ),
                ),
                ("cached", api_port, request_bytes("POST", "/graphql", "127.0.0.1", body, auth)),
            ):
                run_load("127.0.0.1", port, request, clients=CLIENTS, seconds=2)  # warm up
                runs[name] = run_load("127.0.0.1", port, request, clients=CLIENTS, seconds=SECONDS)
                result = runs[name]
                print(
                    f"{name:9} {result.rps:8.1f} req/s  p50 {result.p50:7.1f} ms  "
                    f"p99 {result.p99:7.1f} ms  errors {result.errors}"
                )
        finally:
            api.terminate()
            bare.terminate()
            api.wait(timeout=20)
            bare.wait(timeout=20)
    base = runs["bare"]
    print(
        bench_line(
            "dashboard_query_uncached",
            runs["uncached"].rps,
            "req/s",
            base.rps,
            "bare_litestar_json_endpoint_same_rows",
        )
    )
    print(
        bench_line(
            "dashboard_query",
            runs["cached"].rps,
            "req/s",
            base.rps,
            "bare_litestar_json_endpoint_same_rows",
        )
    )
    print(
        f"BENCH dashboard_query_p99 {runs['cached'].p99:.1f} ms "
        f"ratio={runs['cached'].p99 / base.p99:.3f} baseline=bare_endpoint_p99"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        bare_server(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
