"""Write path: commands per second on PostgreSQL beside raw psycopg INSERT+COMMIT.

Run as `python -m bench.write_path`. Headlines:
- single_event_commands: ScaleService (loads the service and its project, records one
  event), against a raw single-row INSERT+COMMIT into a table shaped like the events table.
- twenty_event_commands: LabelNodes over 20 nodes (loads 20 aggregates, records 20 events
  in one save), against a raw 20-row INSERT+COMMIT.
"""

from __future__ import annotations

import os
import time
import uuid

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
        finally:
            app.close()

    print(f"raw single-row INSERT+COMMIT      {raw_single:9.1f} commits/s")
    print(f"ScaleService (1 event, 2 loads)   {single:9.1f} commands/s")
    print(f"raw 20-row INSERT+COMMIT          {raw_bulk:9.1f} commits/s")
    print(f"LabelNodes (20 events, 20 loads)  {bulk:9.1f} commands/s ({bulk * 20:.0f} events/s)")
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


if __name__ == "__main__":
    main()
