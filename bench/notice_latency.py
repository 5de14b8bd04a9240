"""Latency from a command's commit to its change notice reaching a subscriber.

Run as `python -m bench.notice_latency` (PostgreSQL on 127.0.0.1:5432, Redis on :6379).
A worker process (`containr worker`) runs the projections; this process executes commands
one at a time and listens on the Redis change feed. For each command: the time from the
command returning (its transaction committed) to the dashboard's notice of that position.
Baseline, measured in the same run: the bare hops the path cannot avoid, a PostgreSQL
NOTIFY relayed by a LISTENing thread to Redis PUBLISH and on to a Redis subscriber.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid

import msgspec
import psycopg
import redis

from application import commands as c
from application.bus import Context
from application.changes import ChangeBatch
from bench.common import PG_URL, bench_line, scratch_postgres
from domain.ids import Actor
from interfaces.bootstrap import bootstrap

REDIS_URL = os.environ.get("CONTAINR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
COMMANDS = int(os.environ.get("BENCH_COMMANDS", "300"))
ACTOR = Context(actor=Actor("user:bench"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def baseline(samples: int) -> list[float]:
    """NOTIFY -> LISTEN thread -> Redis PUBLISH -> subscriber, in milliseconds."""
    channel = f"bench_{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(REDIS_URL)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    stop = threading.Event()
    ready = threading.Event()

    def relay() -> None:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"LISTEN {channel}")
            ready.set()
            while not stop.is_set():
                for notify in conn.notifies(timeout=0.2, stop_after=1):
                    client.publish(channel, notify.payload)

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    ready.wait()
    latencies = []
    with psycopg.connect(PG_URL) as sender:
        for i in range(samples):
            sender.execute(f"NOTIFY {channel}, '{i}'")
            sender.commit()
            started = time.perf_counter()
            while True:
                message = pubsub.get_message(timeout=5)
                if message is not None and message["data"] == str(i).encode():
                    break
            latencies.append((time.perf_counter() - started) * 1000)
    stop.set()
    thread.join()
    pubsub.close()
    client.close()
    return latencies


def main() -> None:
    with scratch_postgres() as scratch:
        settings = msgspec.structs.replace(scratch, redis_url=REDIS_URL)
        env = dict(os.environ)
        assert settings.database_url is not None
        assert settings.secret_key is not None
        env.update(
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=settings.secret_key.reveal(),
            CONTAINR_REDIS_URL=REDIS_URL,
            CONTAINR_DATA_DIR=settings.data_dir,
            CONTAINR_LOG_LEVEL="WARNING",
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "worker"], env=env, stdout=subprocess.DEVNULL
        )
        app = bootstrap(settings)
        try:
            arrived: dict[int, float] = {}
            condition = threading.Condition()

            def heard(batch: ChangeBatch) -> None:
                if batch.model == "dashboard":
                    with condition:
                        arrived[batch.position] = time.perf_counter()
                        condition.notify_all()

            app.changes.listen(heard)
            org = app.execute(
                c.CreateOrganization(name="Bench", owner_id=uuid.uuid4()),
                ACTOR,
                wait_for=["dashboard"],
                timeout=60,
            ).id("organization_id")
            latencies = []
            for i in range(COMMANDS):
                result = app.execute(
                    c.RenameOrganization(organization_id=org, name=f"Bench {i}"), ACTOR
                )
                committed = time.perf_counter()
                assert result.position is not None
                with condition:
                    condition.wait_for(
                        lambda p=result.position: any(k >= p for k in arrived), timeout=10
                    )
                    first = min(t for k, t in arrived.items() if k >= result.position)
                    arrived.clear()
                latencies.append((first - committed) * 1000)
        finally:
            worker.terminate()
            worker.wait(timeout=20)
            app.close()
    base = baseline(COMMANDS)
    p50, p99 = statistics.median(latencies), percentile(latencies, 99)
    b50, b99 = statistics.median(base), percentile(base, 99)
    print(f"commit -> notice     p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({COMMANDS} commands)")
    print(f"NOTIFY->Redis floor  p50 {b50:6.2f} ms   p99 {b99:6.2f} ms")
    print(bench_line("notice_p50", p50, "ms", b50, "pg_notify_to_redis_subscriber_p50"))
    print(bench_line("notice_p99", p99, "ms", b99, "pg_notify_to_redis_subscriber_p99"))


if __name__ == "__main__":
    main()
