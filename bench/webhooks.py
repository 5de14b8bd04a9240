"""Webhook deliveries: how many one API process accepts, and how soon a push is deployed.

Run as `python -m bench.webhooks` (PostgreSQL on 127.0.0.1:5432). A scratch schema holds an
organisation with a git connection and a service whose trigger deploys pushes to `main`.

- `webhook_ingest`: deliveries/s accepted (verified, recorded once, answered 202) by one
  `containr serve --workers-external` process under BENCH_CLIENTS keep-alive connections,
  each delivery a GitHub push (GitHub's example payload, @octokit/webhooks-examples, with a
  fresh commit sha and delivery id, HMAC-SHA256 signed) of a repository no service watches.
  Baseline, in the same run: a bare Litestar endpoint (uvicorn, one process) that only
  checks the same signature in constant time and answers 202. Target: ratio >= 0.3.
- `webhook_to_deploy_p99` (and p50): ms from sending a signed push to `main` to its
  deployment being recorded (Deployment.Requested's timestamp), one push at a time, against
  `containr serve` running its projections and process managers (no Docker engine answers:
  the deployment is requested and goes no further). Baseline: the same deliveries' round
  trip to their 202. Target: under 200 ms.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from litestar import Litestar, Request, Response, post

from application import commands as c
from application.bus import Context
from application.settings import Settings
from bench.common import bench_line, scratch_postgres
from bench.graphql_dashboard import free_port, start
from bench.loadgen import LoadResult
from domain.ids import Actor
from interfaces.bootstrap import bootstrap

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
PUSHES = int(os.environ.get("BENCH_PUSHES", "60"))
SYSTEM = Context(actor=Actor("system:bench"))
EXAMPLES = (
    Path(__file__).parents[1]
    / "tests/providers/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
)
MARK = "f" * 40


def push_template(repository: str) -> bytes:
    """GitHub's example push to ``main`` of ``repository``; MARK stands for the commit."""
    events = json.loads(EXAMPLES.read_bytes())
    payload: dict[str, Any] = next(e for e in events if e["name"] == "push")["examples"][0]
    commit = {"id": MARK, "message": "change", "added": ["app.py"], "modified": [], "removed": []}
    payload.update(ref="refs/heads/main", after=MARK, commits=[commit], head_commit=commit)
    payload["repository"]["full_name"] = repository
    return json.dumps(payload).encode()


def signed_request(path: str, host: str, secret: bytes, template: bytes) -> tuple[str, bytes]:
    """A fresh delivery (new commit sha, new delivery id) as raw HTTP, and its sha."""
    sha = uuid.uuid4().hex + uuid.uuid4().hex[:8]
    body = template.replace(MARK.encode(), sha.encode())
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n"
        "Content-Type: application/json\r\nX-GitHub-Event: push\r\n"
        f"X-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: {signature}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return sha, head.encode() + body


async def _client(
    port: int, path: str, secret: bytes, template: bytes, stop_at: float, result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            _, request = signed_request(path, f"127.0.0.1:{port}", secret, template)
            started = time.perf_counter()
            writer.write(request)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            if b" 202 " not in status:
                result.errors += 1
    finally:
        writer.close()


def ingest(port: int, path: str, secret: bytes, template: bytes) -> LoadResult:
    """Deliveries accepted with CLIENTS connections for SECONDS."""
    result = LoadResult(0, 0, 0.0, [])

    async def main() -> None:
        stop_at = time.perf_counter() + SECONDS
        await asyncio.gather(
            *(_client(port, path, secret, template, stop_at, result) for _ in range(CLIENTS))
        )

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result


def bare_server(port: int, secret: str) -> None:
    """The baseline: verify the signature of a body capped at 5 MB, answer 202."""
    key = secret.encode()

    @post("/webhooks/{connection_id:str}", status_code=202, request_max_body_size=5 * 2**20)
    async def bare(request: Request[Any, Any, Any]) -> Response[bytes]:
        body = await request.body()
        sent = request.headers.get("x-hub-signature-256", "").encode()
        expected = b"sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(sent, expected):
            return Response(b'{"error": "unsigned"}', status_code=401)
        return Response(b'{"deliveryId": "x"}', status_code=202, media_type="application/json")

    uvicorn.run(Litestar([bare]), host="127.0.0.1", port=port, log_level="warning")


def seed(settings: Settings) -> tuple[str, str, str]:
    """An organisation, a connection and a watched service: (connection, secret, repo)."""
    app = bootstrap(settings)
    try:
        org = app.execute(c.CreateOrganization(name="Bench", owner_id=uuid.uuid4()), SYSTEM).id(
            "organization_id"
        )
        created = app.execute(c.CreateProject(organization_id=org, name="Shop"), SYSTEM)
        service = app.execute(
            c.build_command(
                c.CreateService,
                {
                    "project_id": created.id("project_id"),
                    "name": "web",
                    "kind": "web",
                    "port": 8080,
                    "git": {"repository_url": "https://github.com/acme/shop.git"},
                },
            ),
            SYSTEM,
        ).id("service_id")
        connection = app.execute(
            c.build_command(
                c.CreateGitConnection,
                {"organization_id": org, "provider": "github", "name": "GitHub"},
            ),
            SYSTEM,
        ).id("connection_id")
        app.execute(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": service,
                    "connection_id": connection,
                    "triggers": [
                        {"branch": "main", "environment_id": created.id("environment_id")}
                    ],
                },
            ),
            SYSTEM,
        )
        return str(connection), app.queries.webhook_secret(connection).reveal(), "acme/shop"
    finally:
        app.close()


def requested_at(settings: Settings, commits: list[str]) -> dict[str, datetime]:
    """When each commit's deployment was recorded (the event's own timestamp)."""
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute(
            f'SELECT state FROM "{settings.database_schema}".containr_events WHERE topic LIKE %s',
            ("domain.deployment:Deployment.Requested",),
        ).fetchall()
    found: dict[str, datetime] = {}
    for (state,) in rows:
        event = json.loads(bytes(state))
        if event.get("commit") in commits:
            found[event["commit"]] = datetime.fromisoformat(event["timestamp"])
    return found


def to_deploy(
    port: int, path: str, secret: bytes, settings: Settings
) -> tuple[list[float], list[float]]:
    """Pushes one at a time: ms to the deployment's record, and ms to the 202."""
    template = push_template("acme/shop")
    sent: dict[str, float] = {}
    acknowledged: list[float] = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for _ in range(PUSHES):
            sha, raw = signed_request(path, "x", secret, template)
            head, _, body = raw.partition(b"\r\n\r\n")
            headers = dict(
                line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line
            )
            headers.pop("Connection", None)
            headers.pop("Host", None)
            sent[sha] = datetime.now(UTC).timestamp()
            started = time.perf_counter()
            answer = http.post(path, content=body, headers=headers)
            acknowledged.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 202, answer.text
            time.sleep(0.3)  # one at a time: the previous one has long been deployed
    time.sleep(2.0)
    recorded = requested_at(settings, list(sent))
    missing = set(sent) - set(recorded)
    assert not missing, f"{len(missing)} pushes were never deployed"
    return [(recorded[s].timestamp() - t) * 1000 for s, t in sent.items()], acknowledged


def main() -> None:
    if not EXAMPLES.exists():
        sys.exit("run tests/services first (npm ci in tests/providers)")
    with scratch_postgres(pool_size=8) as settings:
        connection, secret, _ = seed(settings)
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
            DOCKER_HOST=f"unix://{settings.data_dir}/no-docker.sock",
        )
        path = f"/webhooks/{connection}"
        template = push_template("acme/unwatched")
        key = secret.encode()
        deploy_port = free_port()
        (server,) = start(
            ["-m", "interfaces", "serve", "--port", str(deploy_port)],
            env | {"CONTAINR_PROCESSES": "on"},
            f"http://127.0.0.1:{deploy_port}/healthz",
        )
        try:
            time.sleep(3.0)  # the process managers take the lead
            latencies, acks = to_deploy(deploy_port, path, key, settings)
        finally:
            server.terminate()
            server.wait(timeout=20)
        ordered = sorted(latencies)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        ack = statistics.median(acks)
        print(f"info to deploy: p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms")
        print(bench_line("webhook_to_deploy_p50", statistics.median(latencies), "ms", ack, "ack"))
        print(bench_line("webhook_to_deploy_p99", p99, "ms", ack, "ack_p50"))
        # Then the ingest rate (its thousands of deliveries would queue ahead of the pushes).
        api_port, bare_port = free_port(), free_port()
        servers = start(
            ["-m", "interfaces", "serve", "--workers-external", "--port", str(api_port)],
            env,
            f"http://127.0.0.1:{api_port}/healthz",
        )
        try:
            servers += start(
                ["-m", "bench.webhooks", "bare", str(bare_port), secret],
                env,
                f"http://127.0.0.1:{bare_port}/",
            )
            ingest(api_port, path, key, template)  # warm up both
            ingest(bare_port, path, key, template)
            ours = ingest(api_port, path, key, template)
            bare = ingest(bare_port, path, key, template)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=20)
        for name, run in (("containr", ours), ("bare", bare)):
            print(
                f"info {name}: {run.rps:.0f} deliveries/s, p50 {run.p50:.1f} ms, "
                f"p99 {run.p99:.1f} ms, {run.errors} errors of {run.requests}"
            )
        print(bench_line("webhook_ingest", ours.rps, "deliveries/s", bare.rps, "bare_verify"))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        bare_server(int(sys.argv[2]), sys.argv[3])
    else:
        main()
