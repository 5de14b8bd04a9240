"""Abuse against one API process: the worst fragment fan-out, and a storm of sign-ups.

Run as `python -m bench.abuse` (PostgreSQL on :5432). One `containr serve` process (with its
projections, no deployer) on a scratch PostgreSQL schema, open sign-up, and sign-up rate
limits lifted so that every request of the storm reaches password hashing:

(a) the 21-fragment document of issue 11 (each fragment spreads the next twice: 2^20 spreads
    in 817 bytes), sent anonymously with a new operation name each time so no cache helps;
    the time to its refusal against the round trip of a trivial query;
(b) 200 concurrent `signUp`s with distinct emails; the server's peak resident memory
    (VmHWM, and VmRSS sampled every 10 ms) against its idle RSS. Hashing runs through a
    bounded pool (CONTAINR_HASHING_CONCURRENCY x 64 MiB above the base), so the peak must
    stay under 600 MB whatever the number of callers.
"""

from __future__ import annotations

import asyncio
import collections
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.common import bench_line, scratch_postgres

STORM = int(os.environ.get("BENCH_SIGNUPS", "200"))
FANOUT_RUNS = 3
TRIVIAL_RUNS = 30
PORT = 18670


def fanout_document(name: str) -> str:
    """`query{viewer{...F0}} fragment F0 on Viewer{...F1 ...F1} … fragment F20 on Viewer{id}`."""
    fragments = "".join(f"fragment F{i} on Viewer{{...F{i + 1} ...F{i + 1}}} " for i in range(20))
    return f"query {name}{{viewer{{...F0}}}} {fragments}fragment F20 on Viewer{{id}}"


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


class Sampler(threading.Thread):
    """Samples a process's VmRSS until stopped; keeps the largest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak_kb = max(self.peak_kb, memory_kb(self.pid)["VmRSS"])


def post(client: httpx.Client, query: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    body: dict[str, Any] = client.post("/graphql", json={"query": query}).json()
    return (time.perf_counter() - started) * 1000, body


def fanout(client: httpx.Client) -> tuple[float, float, list[str]]:
    """Median ms of a trivial query, median ms to the fan-out's refusal, and its answers."""
    for _ in range(5):
        post(client, "{ __typename }")  # warm up
    trivial = statistics.median(post(client, "{ __typename }")[0] for _ in range(TRIVIAL_RUNS))
    times, answers = [], []
    for _ in range(FANOUT_RUNS):
        elapsed, body = post(client, fanout_document(f"Q{uuid.uuid4().hex[:8]}"))
        times.append(elapsed)
        errors = body.get("errors") or [{}]
        code = errors[0].get("extensions", {}).get("code", "none")
        answers.append(f"{code}: {str(errors[0].get('message', 'answered'))[:90]}")
    return trivial, statistics.median(times), answers


async def storm(base: str, count: int) -> collections.Counter[str]:
    """``count`` sign-ups at once; how each one was answered."""
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:

        async def sign_up(i: int) -> str:
            response = await client.post(
                "/graphql",
                json={
                    "query": 'mutation($e: String!) { signUp(email: $e, name: "Storm", '
                    'password: "a long storm password") { userId } }',
                    "variables": {"e": f"storm-{i}-{uuid.uuid4().hex[:6]}@example.com"},
                },
            )
            body = response.json()
            if not body.get("errors"):
                return "signed up"
            error = body["errors"][0]
            return f"{error['extensions']['code']}: {error['message']}"

        return collections.Counter(await asyncio.gather(*(sign_up(i) for i in range(count))))


def wait_ready(client: httpx.Client, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start: {log.read_text()[-3000:]}")
        time.sleep(0.2)


def main() -> None:
    with scratch_postgres(pool_size=8) as settings:
        assert settings.database_url is not None
        assert settings.secret_key is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
        env.update(
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=settings.secret_key.reveal(),
            CONTAINR_DATA_DIR=settings.data_dir,
            CONTAINR_LOG_LEVEL="WARNING",
            CONTAINR_DATABASE_POOL_SIZE="8",
            CONTAINR_PROCESSES="off",
            CONTAINR_SIGNUP="open",
            # Lift the sign-up rate limits: every request of the storm reaches the hasher.
            CONTAINR_SIGNUP_LIMIT_PER_CLIENT="1000000",
            CONTAINR_SIGNUP_LIMIT_GLOBAL="1000000",
        )
        base = f"http://127.0.0.1:{PORT}"
        log = Path(settings.data_dir).parent / "server.log"
        with open(log, "wb") as output:  # the refusals are logged: keep them off the report
            server = subprocess.Popen(
                [sys.executable, "-m", "interfaces", "serve", "--port", str(PORT)],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            with httpx.Client(base_url=base, timeout=120) as client:
                wait_ready(client, server, log)
                post(client, "{ __typename }")
                idle = memory_kb(server.pid)["VmRSS"]
                sampler = Sampler(server.pid)
                sampler.start()
                started = time.perf_counter()
                outcomes = asyncio.run(storm(base, STORM))
                storm_seconds = time.perf_counter() - started
                sampler.done.set()
                sampler.join()
                after = memory_kb(server.pid)
                trivial, refusal, answers = fanout(client)  # after: it may grow the heap
        finally:
            server.terminate()
            server.wait(timeout=20)
    peak = max(after["VmHWM"], sampler.peak_kb) / 1024
    print(f"trivial query round trip (median of {TRIVIAL_RUNS}): {trivial:.1f} ms")
    print(f"fan-out document, median of {FANOUT_RUNS} (new operation name each): {refusal:.1f} ms")
    for answer in sorted(set(answers)):
        print(f"  answered {answer}")
    print(f"{STORM} concurrent sign-ups in {storm_seconds:.1f} s:")
    for outcome, count in outcomes.most_common():
        print(f"  {count:4d} x {outcome}")
    print(
        f"server RSS: idle {idle / 1024:.0f} MB, peak {peak:.0f} MB "
        f"(VmHWM {after['VmHWM'] / 1024:.0f} MB, sampled VmRSS {sampler.peak_kb / 1024:.0f} MB)"
    )
    print(
        bench_line(
            "fanout_refusal_ms", refusal, "ms", trivial, f"trivial_query_round_trip_{trivial:.1f}ms"
        )
    )
    print(
        bench_line(
            "signup_storm_rss", peak, "MB", idle / 1024, f"idle_server_rss_{idle / 1024:.0f}MB"
        )
    )


if __name__ == "__main__":
    main()
