"""Write path: commands per second on PostgreSQL beside raw psycopg INSERT+COMMIT.

Run as `python -m bench.write_path`. Headlines:
- single_event_commands: ScaleService (loads the service and its project, records one
  event), against a raw single-row INSERT+COMMIT into a table shaped like the events table.
- twenty_event_commands: LabelNodes over 20 nodes (loads 20 aggregates, records 20 events
  in one save), against a raw 20-row INSERT+COMMIT.
- group_commit_8, group_commit_32: ScaleService from 8 and 32 client threads at once (each
  thread scales services no other thread touches), against raw single-row INSERT+COMMIT
  from as many threads, each with its own connection; the median of ROUNDS runs of each,
  taken in turn.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable

import psycopg

from application import commands as c
from application.bus import Context
from application.services import Services
from bench.common import bench_line, scratch_postgres
from domain.ids import Actor
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap

SINGLE = int(os.environ.get("BENCH_SINGLE", "1500"))
BULK = int(os.environ.get("BENCH_BULK", "300"))
GROUP = int(os.environ.get("BENCH_GROUP", "3000"))
"""Commands (and raw commits) per concurrent run, shared among its client threads."""
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
"""Concurrent runs of each (raw and ours, in turn) per number of clients."""
SERVICES = 100
ACTOR = Context(actor=Actor("user:bench"))


def raw_rate(url: str, schema: str, rows_per_commit: int, commits: int) -> float:
    """Commits per second of plain psycopg inserts into an events-shaped table."""
    with psycopg.connect(url) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute(
            "DROP TABLE IF EXISTS raw_events; CREATE TABLE raw_events ("
            "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
            "topic text, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute("CREATE UNIQUE INDEX ON raw_events (notification_id)")
        conn.commit()
        state = b'{"timestamp":"2026-01-01T00:00:00Z","actor":"user:bench","replicas":3}'
        start = time.perf_counter()
        for i in range(commits):
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
                    "VALUES (%s, %s, %s, %s)",
                    [
                        (uuid.uuid4(), i, "domain.service:Service.Scaled", state)
                        for _ in range(rows_per_commit)
                    ],
                )
            conn.commit()
        return commits / (time.perf_counter() - start)


def concurrently(clients: int, total: int, work: Callable[[int, int], None]) -> float:
    """Runs ``work(client, i)`` ``total`` times across ``clients`` threads; returns calls/s."""
    each = total // clients
    errors: list[BaseException] = []
    ready = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        ready.wait()
        try:
            for i in range(each):
                work(n, i)
        except BaseException as e:  # reported after the run, not lost in a thread
            errors.append(e)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return each * clients / elapsed


def raw_concurrent_rate(url: str, schema: str, clients: int, total: int) -> float:
    """Single-row INSERT+COMMITs per second from ``clients`` threads, one connection each."""
    raw_rate(url, schema, 1, 1)  # a fresh events-shaped table
    conns = [psycopg.connect(url) for _ in range(clients)]
    state = b'{"timestamp":"2026-01-01T00:00:00Z","actor":"user:bench","replicas":3}'
    try:
        for conn in conns:
            conn.execute(f'SET search_path TO "{schema}"')
            conn.commit()

        def insert(n: int, i: int) -> None:
            conn = conns[n]
            conn.execute(
                "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
                "VALUES (%s, %s, %s, %s)",
                (uuid.uuid4(), i, "domain.service:Service.Scaled", state),
            )
            conn.commit()

        return concurrently(clients, total, insert)
    finally:
        for conn in conns:
            conn.close()


def concurrent_commands(app: Services, services: list[uuid.UUID], clients: int) -> float:
    """ScaleService commands per second from ``clients`` threads on services of their own."""

    def scale(n: int, i: int) -> None:
        mine = services[n::clients]
        app.execute(
            c.ScaleService(service_id=mine[i % len(mine)], replicas=i % 7 + 2),
            ACTOR,
        )

    return concurrently(clients, GROUP, scale)


def setup(app: Services) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    org = app.execute(c.CreateOrganization(name="Bench", owner_id=uuid.uuid4()), ACTOR).id(
        "organization_id"
    )
    project = app.execute(c.CreateProject(organization_id=org, name="Bench"), ACTOR).id(
        "project_id"
    )
    services = [
        app.execute(
            c.CreateService(
                project_id=project, name=f"svc-{i}", kind=ServiceKind.WORKER, image="busybox:1"
            ),
            ACTOR,
        ).id("service_id")
        for i in range(SERVICES)
    ]
    nodes = [
        app.execute(
            c.RegisterNode(
                organization_id=org,
                name=f"node-{i}",
                endpoint="tcp://10.0.0.1:2376",
                cpu_millis=4000,
                memory_mb=8192,
            ),
            ACTOR,
        ).id("node_id")
        for i in range(20)
    ]
    return services, nodes


def main() -> None:
    with scratch_postgres() as settings:
        assert settings.database_url is not None
        app = bootstrap(settings)
        try:
            services, nodes = setup(app)
            raw_single = raw_rate(settings.database_url, settings.database_schema, 1, SINGLE)

            start = time.perf_counter()
            for i in range(SINGLE):
                app.execute(
                    c.ScaleService(
                        service_id=services[i % SERVICES], replicas=i // SERVICES % 7 + 2
                    ),
                    ACTOR,
                )
            single = SINGLE / (time.perf_counter() - start)

            raw_bulk = raw_rate(settings.database_url, settings.database_schema, 20, BULK)
            start = time.perf_counter()
            for i in range(BULK):
                app.execute(c.LabelNodes(node_ids=nodes, labels={"round": str(i)}), ACTOR)
            bulk = BULK / (time.perf_counter() - start)

            group: dict[int, tuple[float, float]] = {}
            for clients in (8, 32):
                # Rounds of the baseline and ours in turn, each figure the median of its
                # rounds: a burst of noise on this shared machine moves one round, not both
                # figures' medians.
                raws, ours = [], []
                for _ in range(ROUNDS):
                    raws.append(
                        raw_concurrent_rate(
                            settings.database_url, settings.database_schema, clients, GROUP
                        )
                    )
                    ours.append(concurrent_commands(app, services, clients))
                group[clients] = (statistics.median(ours), statistics.median(raws))
        finally:
            app.close()

    print(f"raw single-row INSERT+COMMIT      {raw_single:9.1f} commits/s")
    print(f"ScaleService (1 event, 2 loads)   {single:9.1f} commands/s")
    print(f"raw 20-row INSERT+COMMIT          {raw_bulk:9.1f} commits/s")
    print(f"LabelNodes (20 events, 20 loads)  {bulk:9.1f} commands/s ({bulk * 20:.0f} events/s)")
    for clients, (rate, raw) in group.items():
        print(f"raw single-row INSERT+COMMIT x{clients:<3}  {raw:9.1f} commits/s")
        print(f"ScaleService x{clients:<3} clients       {rate:9.1f} commands/s")
    print(
        bench_line(
            "single_event_commands",
            single,
            "commands/s",
            raw_single,
            "raw_psycopg_single_row_insert_commit",
        )
    )
    print(
        bench_line(
            "twenty_event_commands",
            bulk,
            "commands/s",
            raw_bulk,
            "raw_psycopg_20_row_insert_commit",
        )
    )

    for clients, (rate, raw) in group.items():
        print(
            bench_line(
                f"group_commit_{clients}",
                rate,
                "commands/s",
                raw,
                f"raw_psycopg_single_row_insert_commit_{clients}_connections",
            )
        )


if __name__ == "__main__":
    main()
