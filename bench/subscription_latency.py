"""Mutation-to-subscription latency with 200 open subscriptions, and memory with 1,000.

Run as `python -m bench.subscription_latency` (PostgreSQL on :5432, Redis on :6379). A
`containr serve` process (running the projections too) on PostgreSQL and Redis; this
process opens 200 `serviceUpdated` subscriptions over WebSocket (graphql-transport-ws) and
then sends `scaleService` mutations one at a time. Latency: from sending the mutation to
each subscription receiving the change. Baseline in the same run: the HTTP round trip of a
trivial authenticated query to the same server. Then a read-only token's 20 subscriptions are
ended by revoking it (live authorisation: from the revoke mutation to the last coded error).
Then 1,000 subscriptions are opened and the server's resident memory is read from /proc.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

import httpx
import msgspec
from websockets.asyncio.client import ClientConnection, connect

from bench.common import bench_line, scratch_postgres

REDIS_URL = os.environ.get("CONTAINR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SUBSCRIPTIONS = 200
MEMORY_SUBSCRIPTIONS = 1000
MUTATIONS = int(os.environ.get("BENCH_MUTATIONS", "40"))
PER_CONNECTION = 20
WARM_UP = 5
SUBSCRIBE = "subscription($s: ID!) { serviceUpdated(serviceId: $s) { id replicas position } }"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Subscriber:
    """One WebSocket carrying several subscriptions; records when each update arrives."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.arrivals: dict[int, list[float]] = {}
        self.first: asyncio.Queue[None] = asyncio.Queue()

    @classmethod
    async def open(cls, url: str, token: str, service: str, count: int) -> Subscriber:
        ws = await connect(url, subprotocols=["graphql-transport-ws"], max_queue=None)  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        subscriber = cls(ws)
        for _ in range(count):
            await ws.send(
                json.dumps(
                    {
                        "id": str(uuid.uuid4()),
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIBE, "variables": {"s": service}},
                    }
                )
            )
        return subscriber

    async def listen(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next":
                replicas = message["payload"]["data"]["serviceUpdated"]["replicas"]
                self.arrivals.setdefault(replicas, []).append(time.perf_counter())
                self.first.put_nowait(None)


def gql(client: httpx.Client, token: str, query: str, **variables: object) -> dict[str, object]:
    body = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


async def measure(base: str, token: str, service: str) -> tuple[list[float], list[float]]:
    url = base.replace("http", "ws", 1) + "/graphql"
    subscribers = [
        await Subscriber.open(url, token, service, PER_CONNECTION)
        for _ in range(SUBSCRIPTIONS // PER_CONNECTION)
    ]
    tasks = [asyncio.create_task(s.listen()) for s in subscribers]
    for subscriber in subscribers:  # every subscription has sent its first state
        for _ in range(PER_CONNECTION):
            await asyncio.wait_for(subscriber.first.get(), 30)
    latencies: list[float] = []
    floor: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for i in range(-WARM_UP, MUTATIONS):  # the first few warm caches up: not counted
            replicas = 2 + i % 50
            sent = time.perf_counter()
            await client.post(
                "/graphql",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "query": "mutation($s: ID!, $r: Int!) { scaleService(id: $s, replicas: $r) { id } }",
                    "variables": {"s": service, "r": replicas},
                },
            )
            deadline = time.perf_counter() + 10
            while sum(len(s.arrivals.get(replicas, [])) for s in subscribers) < SUBSCRIPTIONS:
                if time.perf_counter() > deadline:
                    raise RuntimeError("updates did not arrive")
                await asyncio.sleep(0.001)
            for subscriber in subscribers:
                arrived = subscriber.arrivals.pop(replicas)
                if i >= 0:
                    latencies.extend((t - sent) * 1000 for t in arrived)
            started = time.perf_counter()
            await client.post(
                "/graphql",
                headers={"Authorization": f"Bearer {token}", "Cache-Control": "no-cache"},
                json={"query": "{ viewer { id } }"},
            )
            if i >= 0:
                floor.append((time.perf_counter() - started) * 1000)
    for task in tasks:
        task.cancel()
    for subscriber in subscribers:
        await subscriber.ws.close()
    return latencies, floor


async def revocation(base: str, token: str, service: str, rounds: int = 5) -> list[float]:
    """Milliseconds from sending revokeApiToken to the end (a coded error) of every one of
    the token's open subscriptions, over ``rounds`` tokens."""
    url = base.replace("http", "ws", 1) + "/graphql"
    ended: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for _ in range(rounds):
            created = (
                await client.post(
                    "/graphql",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "query": 'mutation { createApiToken(name: "b", scopes: ["read"]) { id token } }'
                    },
                )
            ).json()["data"]["createApiToken"]
            subscriber = await Subscriber.open(url, created["token"], service, PER_CONNECTION)
            for _ in range(PER_CONNECTION):
                message = json.loads(await asyncio.wait_for(subscriber.ws.recv(), 30))
                assert message["type"] == "next", message
            sent = time.perf_counter()
            await client.post(
                "/graphql",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "query": "mutation($id: ID!) { revokeApiToken(id: $id) }",
                    "variables": {"id": created["id"]},
                },
            )
            errors = 0
            while errors < PER_CONNECTION:
                message = json.loads(await asyncio.wait_for(subscriber.ws.recv(), 30))
                codes = [
                    e["extensions"]["code"]
                    for e in (message.get("payload") or {}).get("errors", [])
                ]
                if codes:
                    assert codes == ["UNAUTHENTICATED"], message
                    errors += 1
                    ended.append((time.perf_counter() - sent) * 1000)
            await subscriber.ws.close()
    return ended


async def hold_many(base: str, token: str, service: str, pid: int) -> float:
    url = base.replace("http", "ws", 1) + "/graphql"
    subscribers = [
        await Subscriber.open(url, token, service, PER_CONNECTION)
        for _ in range(MEMORY_SUBSCRIPTIONS // PER_CONNECTION)
    ]
    tasks = [asyncio.create_task(s.listen()) for s in subscribers]
    for subscriber in subscribers:
        for _ in range(PER_CONNECTION):
            await asyncio.wait_for(subscriber.first.get(), 60)
    memory = rss_mb(pid)
    for task in tasks:
        task.cancel()
    for subscriber in subscribers:
        await subscriber.ws.close()
    return memory


def main() -> None:
    with scratch_postgres(pool_size=8) as scratch:
        settings = msgspec.structs.replace(scratch, redis_url=REDIS_URL)
        assert settings.database_url is not None
        assert settings.secret_key is not None
        env = dict(
            os.environ,
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=settings.secret_key.reveal(),
            CONTAINR_REDIS_URL=REDIS_URL,
            CONTAINR_DATA_DIR=settings.data_dir,
            CONTAINR_LOG_LEVEL="WARNING",
            CONTAINR_DATABASE_POOL_SIZE="8",
        )
        port = 18660
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if client.get("/readyz").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError("the server did not start")
                    time.sleep(0.2)
                signed = client.post(
                    "/graphql",
                    json={
                        "query": """mutation { signUp(
                    email: "bench@example.com", name: "Bench", password: "a long password") {
                    accessToken organizationId } }"""
                    },
                ).json()["data"]["signUp"]
                token, org = signed["accessToken"], signed["organizationId"]
                project = gql(
                    client,
                    token,
                    'mutation($o: ID!) { createProject(organizationId: $o, name: "Bench") { id } }',
                    o=org,
                )["createProject"]["id"]  # type: ignore[index]
                service = gql(
                    client,
                    token,
                    "mutation($p: ID!) { createService(projectId: $p, "
                    'name: "web", kind: "worker", settings: {image: "busybox:1"}) { id } }',
                    p=project,
                )["createService"]["id"]  # type: ignore[index]
            latencies, floor = asyncio.run(measure(base, token, service))
            ended = asyncio.run(revocation(base, token, service))
            memory = asyncio.run(hold_many(base, token, service, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=20)
    p50, p99 = statistics.median(latencies), percentile(latencies, 99)
    f50, f99 = statistics.median(floor), percentile(floor, 99)
    print(
        f"mutation -> {SUBSCRIPTIONS} subscriptions  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms "
        f"({len(latencies)} deliveries)"
    )
    print(f"HTTP round trip floor      p50 {f50:6.1f} ms  p99 {f99:6.1f} ms")
    print(f"server RSS with {MEMORY_SUBSCRIPTIONS} subscriptions: {memory:.0f} MB")
    print(bench_line("mutation_to_subscription_p50", p50, "ms", f50, "http_query_round_trip_p50"))
    print(bench_line("mutation_to_subscription_p99", p99, "ms", f99, "http_query_round_trip_p99"))
    r50, r_max = statistics.median(ended), max(ended)
    print(
        f"token revoked -> its {PER_CONNECTION} subscriptions ended  p50 {r50:6.1f} ms  max {r_max:6.1f} ms"
    )
    print(
        bench_line(
            "revocation_to_subscription_end_p50", r50, "ms", f50, "http_query_round_trip_p50"
        )
    )
    print(
        bench_line("revocation_to_subscription_end_max", r_max, "ms", 1000.0, "one_second_target")
    )
    print(f"BENCH subscriptions_rss {memory:.0f} MB at={MEMORY_SUBSCRIPTIONS}_subscriptions")


if __name__ == "__main__":
    main()
