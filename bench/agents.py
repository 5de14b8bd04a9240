"""Heartbeats of 1,000 simulated node agents against one API process (issue 18).

Run as `python -m bench.agents` (PostgreSQL on :5432, Redis on :6379). A `containr serve`
process on PostgreSQL and Redis; this process joins 1,000 agents (a join token and a join
each), opens their WebSockets on /agent/connect and sends each one's heartbeat (capabilities,
usage and three containers, as `containr agent run` sends them) every 5 s, staggered. Over a
30 s window it reads the server's CPU time from /proc and each acknowledgement's latency.

Headline: agents one core carries at a 5 s interval (5 s / CPU seconds per heartbeat), and
the p99 acknowledgement latency. Baseline in the same run: a bare ASGI WebSocket endpoint
under the same uvicorn that decodes the same heartbeat and answers the same ack, driven by the
same clients (`python -m bench.agents --bare PORT` is that endpoint).

`python -m bench.agents --round-trip` (the local Docker engine only, also run at the end of the
whole bench): one create+start of a busybox container through an agent's connection (the
control plane's AgentRuntime, a real WebSocket on loopback, the agent's link and executor with
its journal, the Docker adapter) against the same create+start through the Docker adapter
directly (`BENCH agent_create_start`, ratio agent/direct).

`python -m bench.agents --multi-host` (root; also run at the end of the whole bench): time from
a deploy command to 3 replicas healthy on 3 agent hosts, each a network namespace with its own
dockerd and agent, beside the same deployment on one local engine (`BENCH multi_host_deploy`,
ratio multi/local; bench/multihost.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
from websockets.asyncio.client import connect

from bench.common import bench_line, scratch_postgres

REDIS_URL = os.environ.get("CONTAINR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
AGENTS = int(os.environ.get("BENCH_AGENTS", "1000"))
INTERVAL = 5.0
WINDOW = float(os.environ.get("BENCH_WINDOW", "30"))
JOIN_CONCURRENCY = 8
TICKS = os.sysconf("SC_CLK_TCK")
TOKEN = (
    """mutation($o: ID!) { createJoinToken(organizationId: $o, expiresInMinutes: 30) { token } }"""
)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def heartbeat(seq: int, org: str) -> str:
    """A heartbeat shaped as `containr agent run` sends it."""
    containers = [
        {
            "id": f"{i:064x}",
            "name": f"web-{i}",
            "image": "sha256:" + "a" * 64,
            "state": "running",
            "labels": {"containr.organization": org, "containr.service": f"svc-{i}"},
        }
        for i in range(3)
    ]
    message = {
        "type": "heartbeat",
        "seq": seq,
        "version": "0.1.0",
        "capabilities": {
            "engine_version": "20.10.24",
            "architecture": "x86_64",
            "os": "Debian GNU/Linux 12",
            "kernel": "6.1.0",
            "cpus": "2",
            "memory_bytes": str(24 * 1024**3),
            "network_interfaces": "eth0,lo",
            "disk:/": str(100 * 1024**3),
        },
        "usage": {
            "cpu_load": 0.2,
            "memory_used_bytes": 8 * 1024**3,
            "disks": [{"path": "/", "total_bytes": 100 * 1024**3, "used_bytes": 40 * 1024**3}],
        },
        "containers": containers,
    }
    return json.dumps(message)


class Window:
    """What the clients saw while the measurement window was open."""

    def __init__(self) -> None:
        self.open = False
        self.latencies: list[float] = []
        self.refused = 0
        self.acked_once: set[int] = set()


async def agent(
    index: int, url: str, credential: str, org: str, window: Window, stop: asyncio.Event
) -> None:
    headers = {"authorization": f"Bearer {credential}"}
    await asyncio.sleep(random.uniform(0, INTERVAL))  # staggered, as real agents are
    async with connect(url, additional_headers=headers, open_timeout=60, max_size=2**20) as ws:
        seq = 0
        while not stop.is_set():
            started = time.monotonic()
            seq += 1
            await ws.send(heartbeat(seq, org))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 60))
            took = time.monotonic() - started
            if reply.get("type") != "ack":
                window.refused += 1
            else:
                window.acked_once.add(index)
                if window.open:
                    window.latencies.append(took)
            await asyncio.sleep(max(INTERVAL - (time.monotonic() - started), 0))


async def drive(
    ws_url: str, agents: list[tuple[str, str]], pid: int
) -> tuple[float, list[float], int]:
    """CPU seconds of ``pid`` per heartbeat over the window, the latencies, refusals."""
    window, stop = Window(), asyncio.Event()
    tasks = [
        asyncio.create_task(agent(i, ws_url, cred, org, window, stop))
        for i, (cred, org) in enumerate(agents)
    ]
    deadline = time.monotonic() + 120
    while len(window.acked_once) < len(agents):  # every agent connected and recorded once
        if time.monotonic() > deadline or any(t.done() for t in tasks):
            failed = next((t.exception() for t in tasks if t.done()), None)
            raise RuntimeError(f"only {len(window.acked_once)} agents connected: {failed!r}")
        await asyncio.sleep(0.5)
    await asyncio.sleep(INTERVAL)  # one more round, so the window sees only steady state
    before = cpu_seconds(pid)
    window.open = True
    await asyncio.sleep(WINDOW)
    window.open = False
    used = cpu_seconds(pid) - before
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return used / max(len(window.latencies), 1), window.latencies, window.refused


async def join_all(base: str, token: str, org: str) -> list[tuple[str, str]]:
    """Join AGENTS agents: a join token and a join each, a few at a time."""
    limit = asyncio.Semaphore(JOIN_CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def one(i: int) -> tuple[str, str]:
            async with limit:
                made = await client.post(
                    "/graphql",
                    json={"query": TOKEN, "variables": {"o": org}},
                    headers={"authorization": f"Bearer {token}"},
                )
                join_token = made.json()["data"]["createJoinToken"]["token"]
                joined = await client.post(
                    "/agent/join",
                    json={
                        "token": join_token,
                        "name": f"host-{i}",
                        "cpuMillis": 2000,
                        "memoryMb": 4096,
                    },
                )
                assert joined.status_code == 201, joined.text
                return joined.json()["credential"], org

        return await asyncio.gather(*(one(i) for i in range(AGENTS)))


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start")


def bare(port: int) -> None:
    """The baseline endpoint: accept, decode each heartbeat, answer its ack."""
    import uvicorn  # noqa: PLC0415 - only the baseline process needs it

    decode = msgspec.json.Decoder()
    encode = msgspec.json.Encoder().encode

    async def app(
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] != "websocket.receive":
                return
            beat = decode.decode(message.get("text") or message.get("bytes") or b"{}")
            ack = {"type": "ack", "seq": beat["seq"], "at": time.time()}
            await send({"type": "websocket.send", "text": encode(ack).decode()})

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
    )


def baseline(agents: list[tuple[str, str]]) -> tuple[float, list[float]]:
    port = 18671
    process = subprocess.Popen([sys.executable, "-m", "bench.agents", "--bare", str(port)])
    try:
        wait_ready(f"http://127.0.0.1:{port}/", process)
        per, latencies, _ = asyncio.run(
            drive(f"ws://127.0.0.1:{port}/agent/connect", agents, process.pid)
        )
    finally:
        process.terminate()
        process.wait(timeout=20)
    return per, latencies


def main() -> None:
    started = time.monotonic()
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
            CONTAINR_PROCESSES="off",
            CONTAINR_DATABASE_POOL_SIZE="8",
        )
        port = 18670
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(base + "/readyz", server)
            signed = httpx.post(
                base + "/graphql",
                json={
                    "query": """mutation { signUp(email: "bench@example.com", name: "Bench",
                    password: "a long password") { accessToken organizationId } }"""
                },
                timeout=60,
            ).json()["data"]["signUp"]
            agents = asyncio.run(join_all(base, signed["accessToken"], signed["organizationId"]))
            joined = time.monotonic() - started
            per, latencies, refused = asyncio.run(
                drive(f"ws://127.0.0.1:{port}/agent/connect", agents, server.pid)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare_per, bare_latencies = baseline(agents)
    ours, theirs = INTERVAL / per, INTERVAL / bare_per
    print(
        f"{AGENTS} agents joined in {joined:.0f} s; {len(latencies)} heartbeats in {WINDOW:.0f} s, "
        f"{refused} refused; CPU per heartbeat {per * 1e6:.0f} µs (bare {bare_per * 1e6:.0f} µs); "
        f"ack p50 {statistics.median(latencies) * 1e3:.1f} ms p99 {percentile(latencies, 99) * 1e3:.1f} ms "
        f"(bare p99 {percentile(bare_latencies, 99) * 1e3:.1f} ms)"
    )
    print(f"BENCH agent_heartbeat_ack_p99 {percentile(latencies, 99) * 1e3:.1f} ms")
    print(bench_line("agent_heartbeats", ours, "agents/core", theirs, "bare_websocket_ack"))
    round_trip()
    multi_host()


def multi_host() -> None:
    """Deploys on 3 agent hosts against one local engine (bench/multihost.py)."""
    from bench import multihost  # noqa: PLC0415 - the hosts' harness, loaded when it runs

    multihost.main()


def round_trip(rounds: int = int(os.environ.get("BENCH_ROUNDS", "20"))) -> None:
    """Create+start through an agent's connection against the Docker adapter directly."""
    import tempfile  # noqa: PLC0415 - the round trip's own needs, loaded when it runs
    import threading  # noqa: PLC0415
    import uuid  # noqa: PLC0415

    import docker  # noqa: PLC0415
    from websockets.asyncio.server import ServerConnection, serve  # noqa: PLC0415

    from adapters.agent_runtime import AgentRuntime  # noqa: PLC0415
    from adapters.docker_runtime import DockerRuntime  # noqa: PLC0415
    from application.agent_operations import (  # noqa: PLC0415
        AgentSession,
        AgentSessions,
        OperationResult,
    )
    from application.runtime_ports import ContainerRuntime, ContainerSpec  # noqa: PLC0415
    from interfaces.bootstrap.agent import agent_executor  # noqa: PLC0415
    from interfaces.cli.agent_link import AgentLink  # noqa: PLC0415
    from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image  # noqa: PLC0415

    engine_url = "unix:///var/run/docker.sock"
    api = docker.APIClient(base_url=engine_url, version="auto", timeout=60)
    ensure_busybox_image(api)
    instance, org, node = f"bench-{uuid.uuid4().hex[:8]}", str(uuid.uuid4()), uuid.uuid4()
    labels = {"containr.instance": instance, "containr.organization": org}
    sessions = AgentSessions()
    loop = asyncio.new_event_loop()

    async def control_plane(ws: ServerConnection) -> None:
        async def send(payload: bytes) -> None:
            await ws.send(payload.decode())

        session = AgentSession(node, asyncio.get_running_loop(), send)
        sessions.register(session)
        try:
            async for raw in ws:
                session.deliver(msgspec.json.decode(raw, type=OperationResult))
        finally:
            sessions.unregister(session)

    async def both(state_dir: str) -> None:
        executor = agent_executor(
            engine_url, Path(state_dir), organization_id=org, installation=instance
        )
        async with serve(control_plane, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as ws:
                reader = asyncio.create_task(AgentLink(ws, executor).read())
                await stop.wait()
                reader.cancel()

    def once(runtime: ContainerRuntime, name: str) -> float:
        spec = ContainerSpec(name=name, image=BASE_IMAGE, labels=labels, command=["sleep", "60"])
        began = time.perf_counter()
        runtime.start(runtime.create(spec).id)
        return time.perf_counter() - began

    stop = asyncio.Event()
    direct: list[float] = []
    through: list[float] = []
    with tempfile.TemporaryDirectory() as state_dir:
        thread = threading.Thread(target=loop.run_until_complete, args=(both(state_dir),))
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not sessions.connected(node) and time.monotonic() < deadline:
                time.sleep(0.01)
            engines = (DockerRuntime(engine_url), AgentRuntime(node, sessions))
            for engine in engines:  # warm up: clients made, the API version asked
                once(engine, f"{instance}-warm-{len(direct)}-{engine is engines[1]}")
            for i in range(rounds):  # interleaved, so the engine's load falls on both alike
                direct.append(once(engines[0], f"{instance}-direct-{i}"))
                through.append(once(engines[1], f"{instance}-agent-{i}"))
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(30)
            loop.close()
            for container in api.containers(
                all=True, filters={"label": f"containr.instance={instance}"}
            ):
                api.remove_container(container["Id"], force=True)
            api.close()
    agent_ms, direct_ms = statistics.median(through) * 1e3, statistics.median(direct) * 1e3
    print(
        f"create+start median over {rounds}: through the agent {agent_ms:.1f} ms, "
        f"direct {direct_ms:.1f} ms"
    )
    print(bench_line("agent_create_start", agent_ms, "ms", direct_ms, "docker_direct"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare":
        bare(int(sys.argv[2]))
    elif sys.argv[1:] == ["--round-trip"]:
        round_trip()
    elif sys.argv[1:] == ["--multi-host"]:
        multi_host()
    else:
        main()
