"""The dashboard's rows read in process: our read path beside one hand-written SQL query.

Run as `python -m bench.dashboard_read` (PostgreSQL on 127.0.0.1:5432). One organisation with
50 projects of 5 services, each with a healthy deployment (``bench.graphql_dashboard.seed``).

- our read path: what the dashboard query's resolvers read, as they read it: through a fresh
  read gate per read (as per request), on one read connection, the organisation with the
  caller's memberships (one round trip), its projects, then their services, the services'
  states and their latest deployments (one round trip; the columns the query shows): typed
  rows, every row checked.
- baseline: ONE hand-written SQL query over the same tables through psycopg (a join returning
  the columns the dashboard shows of the same rows, fetched as tuples): the read path reads
  those columns too.

Headline: ``BENCH dashboard_read_ms`` (median milliseconds per read, ratio to the raw query);
info lines give each level's median, the wide raw query (every column) and the GraphQL
dashboard query executed in process without the response cache.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable

import msgspec
import psycopg
from psycopg.types.json import set_json_loads

from application.authz import Principal
from application.readmodels import DashboardQueries
from application.services import Services
from bench.common import bench_line, scratch_postgres
from bench.graphql_dashboard import (
    DEPLOYMENT_COLUMNS,
    QUERY,
    SERVICE_COLUMNS,
    STATE_COLUMNS,
    narrow_sql,
    raw_tables,
    seed,
)
from interfaces.bootstrap import bootstrap
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
LEVELS = ("organization_and_roles", "projects", "services_states_and_latest")


def wide_sql(tables: dict[str, str]) -> str:
    """Every column of the organisation, its first 50 live projects, their live services, the
    services' states and latest deployments: one join, one row per service state."""
    t = tables
    return (
        f"SELECT o.*, p.*, s.*, st.*, d.* FROM (SELECT * FROM {t['projects']} "
        "WHERE organization_id = %(org)s AND deleted_at IS NULL ORDER BY slug LIMIT 51) p "
        f"JOIN {t['organizations']} o ON o.id = p.organization_id "
        f"LEFT JOIN {t['services']} s ON s.project_id = p.id AND NOT s.deleted "
        f"LEFT JOIN {t['service_states']} st ON st.service_id = s.id "
        f"LEFT JOIN {t['deployments']} d ON d.id = st.latest_deployment_id "
        "ORDER BY p.slug, s.name"
    )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(rounds: int, run: Callable[[], object]) -> list[float]:
    """Seconds per call of ``run``, ``rounds`` times (after a few warm-up calls)."""
    for _ in range(5):
        run()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def read_path(app: Services, principal: Principal, org: uuid.UUID) -> dict[str, list[float]]:
    """Per level, seconds per read through a fresh read gate each round."""
    levels: dict[str, list[float]] = {name: [] for name in (*LEVELS, "total")}

    def once(record: bool) -> int:
        reads = app.reads(principal)
        dashboard: DashboardQueries = reads.dashboard
        held = app.read_store.one_connection()
        held.__enter__()
        marks = [time.perf_counter()]
        dashboard.organization(org)  # the gate's first read: the caller's roles come along
        marks.append(time.perf_counter())
        projects = dashboard.projects(org, limit=51)
        marks.append(time.perf_counter())
        ids = [p.id for p in projects]
        services, _states, deployments = dashboard.services_states_and_latest_of(
            ids,
            service_columns=SERVICE_COLUMNS,
            state_columns=STATE_COLUMNS,
            deployment_columns=DEPLOYMENT_COLUMNS,
        )
        marks.append(time.perf_counter())
        held.__exit__(None, None, None)
        if record:
            for name, start, end in zip(LEVELS, marks, marks[1:], strict=False):
                levels[name].append(end - start)
            levels["total"].append(marks[-1] - marks[0])
        return len(services) + len(deployments)

    for _ in range(5):
        once(False)
    for _ in range(ROUNDS):
        once(True)
    return levels


def graphql_in_process(app: Services, principal: Principal, org: str) -> list[float]:
    """Seconds per execution of the dashboard query (no response cache, no HTTP)."""
    schema = build_schema()

    def run() -> None:
        context = GqlContext(app, principal, "bench")
        with app.read_store.one_connection():  # as the HTTP handler executes a query
            result = schema.execute_sync(QUERY, variable_values={"org": org}, context_value=context)
        assert not result.errors, result.errors

    return timed(max(20, ROUNDS // 5), run)


def main() -> None:
    with scratch_postgres(pool_size=8) as settings:
        token, org_text, _ = seed(settings)
        org = uuid.UUID(org_text)
        app = bootstrap(settings)
        try:
            principal = app.auth.authenticate(token)
            assert settings.database_url is not None
            tables = raw_tables(settings.database_url, f"{settings.database_schema}_rm")
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                set_json_loads(msgspec.json.Decoder().decode, conn)
                wide, narrow = wide_sql(tables), narrow_sql(tables)
                rows = conn.execute(wide, {"org": org}).fetchall()
                assert len(rows) == 250, len(rows)
                raw = timed(ROUNDS, lambda: conn.execute(wide, {"org": org}).fetchall())
                raw_narrow = timed(ROUNDS, lambda: conn.execute(narrow, {"org": org}).fetchall())
            levels = read_path(app, principal, org)
            graphql = graphql_in_process(app, principal, org_text)
        finally:
            app.close()
    for name in LEVELS:
        print(f"info dashboard_read level {name:13} {median_ms(levels[name]):7.3f} ms")
    print(f"info raw_sql_one_query_every_column {median_ms(raw):7.3f} ms (250 rows)")
    print(f"info raw_sql_one_query_shown_columns {median_ms(raw_narrow):7.3f} ms")
    print(f"info graphql_dashboard_in_process {median_ms(graphql):7.3f} ms (uncached)")
    total = median_ms(levels["total"])
    print(
        bench_line(
            "dashboard_read_ms",
            total,
            "ms",
            median_ms(raw_narrow),
            "one_psycopg_join_query_same_rows_shown_columns",
        )
    )


if __name__ == "__main__":
    main()
