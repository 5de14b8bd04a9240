"""Measurements through the running server: a real Prometheus scrapes /metrics and answers a
PromQL query, and the GraphQL series queries answer (and refuse bad input)."""

from __future__ import annotations

import functools
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.eventstore import pg_pool
from adapters.timeseries import PostgresTimeSeries
from application.changes import Change, ChangeBatch
from application.metrics_ports import CPU_CORES, NODE_CPU_CORES, REQUESTS, Sample
from application.settings import Settings
from interfaces.bootstrap import change_feed
from interfaces.bootstrap.storage import storage_for
from tests.conftest import REQUIRE_SERVICES
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import Server, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
TOKEN = "prometheus-scrape-token-0123456789"
SETUP = """mutation($org: ID!, $name: String!) {
  createProject(organizationId: $org, name: $name) { id }
}"""
SERVICE = """mutation($project: ID!) {
  createService(projectId: $project, name: "web", kind: "worker", settings: {image: "busybox:1"}) { id }
}"""
SERIES = """query($id: ID!, $metric: String!, $since: DateTime, $step: Int!, $agg: String!) {
  serviceMetrics(serviceId: $id, metric: $metric, since: $since, stepSeconds: $step,
                 aggregation: $agg) { at value }
}"""


def eventually(check: Callable[[], Any], *, seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {seconds}s")
        time.sleep(0.5)


@pytest.fixture
def metered(server_settings: Settings) -> Iterator[Server]:
    running = Server(server_settings, env={"CONTAINR_METRICS_TOKEN": TOKEN})
    yield running
    running.stop()


@pytest.fixture
def store(server_settings: Settings) -> Iterator[PostgresTimeSeries]:
    pool = pg_pool(server_settings, name="metrics-e2e")
    yield PostgresTimeSeries(pool)
    pool.close()


def a_service(client: Client) -> tuple[str, str, str]:
    signed = client.sign_up(f"owner-{uuid.uuid4().hex[:6]}@example.com", "Owner")
    org = signed["organizationId"]
    project = client(SETUP, org=org, name=f"shop-{uuid.uuid4().hex[:6]}")["createProject"]["id"]
    service = client(SERVICE, project=project)["createService"]["id"]
    return org, project, service


class Prometheus:
    """Debian's Prometheus, scraping one target every second, on a port of its own."""

    def __init__(self, where: Path, target: str) -> None:
        binary = shutil.which("prometheus")
        if binary is None:
            message = "Prometheus is not installed (bash tests/services installs it)"
            if REQUIRE_SERVICES:
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        config = where / "prometheus.yml"
        config.write_text(
            "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
            "scrape_configs:\n"
            "  - job_name: containr\n"
            f"    authorization: {{credentials: {TOKEN}}}\n"
            f"    static_configs: [{{targets: ['{target}']}}]\n"
        )
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = (where / "prometheus.log").open("w")
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={where / 'tsdb'}",
                f"--web.listen-address={self.url.removeprefix('http://')}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def query(self, promql: str) -> list[dict[str, Any]]:
        try:
            answer = httpx.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=5)
        except httpx.HTTPError:
            return []  # not listening yet
        if answer.status_code != 200:
            return []
        result: list[dict[str, Any]] = answer.json()["data"]["result"]
        return result

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self.log.close()


def test_prometheus_scrapes_every_replicas_measurement_with_its_labels(
    metered: Server, store: PostgresTimeSeries, tmp_path: Path
) -> None:
    client = metered.client()
    org, project, service = a_service(client)
    deployment = uuid.uuid4()
    node = f"node-{uuid.uuid4().hex[:6]}"
    prometheus = Prometheus(tmp_path, metered.url.removeprefix("http://"))
    try:

        def measured() -> list[dict[str, Any]]:
            now = datetime.now(UTC)
            store.record(
                [
                    Sample(
                        metric=CPU_CORES,
                        at=now,
                        value=0.75,
                        service_id=uuid.UUID(service),
                        replica=f"{deployment}:0",
                        node=node,
                    ),
                    Sample(metric=NODE_CPU_CORES, at=now, value=1.25, node=node),
                ]
            )
            return prometheus.query(f'containr_replica_cpu_cores{{service="{service}"}}')

        found = eventually(measured)
        assert len(found) == 1
        labels = found[0]["metric"]
        assert labels["organization"] == org and labels["project"] == project
        assert labels["service_name"] == "web" and labels["replica"] == f"{deployment}:0"
        assert labels["node"] == node and labels["job"] == "containr"
        assert float(found[0]["value"][1]) == 0.75
        nodes = eventually(lambda: prometheus.query(f'containr_node_cpu_cores{{node="{node}"}}'))
        assert float(nodes[0]["value"][1]) == 1.25
        up = prometheus.query('up{job="containr"}')
        assert up and up[0]["value"][1] == "1"  # the token let Prometheus in
    finally:
        prometheus.stop()


def test_service_series_over_graphql_and_bad_input_refused(
    server: Server, store: PostgresTimeSeries
) -> None:
    client = server.client()
    _, _, service = a_service(client)
    # The samples span 110 s from a 600 s boundary 3 to 13 minutes ago: one 600 s step
    # holds them all, whatever the time the test runs at.
    start = datetime.fromtimestamp((int(time.time()) - 180) // 600 * 600, UTC)
    store.record(
        [
            Sample(
                metric=REQUESTS,
                at=start + timedelta(seconds=10 * i),
                value=float(r + 1),
                service_id=uuid.UUID(service),
                replica=f"d:{r}",
            )
            for i in range(12)
            for r in range(2)
        ]
    )
    since = start.isoformat()
    points = client(SERIES, id=service, metric=REQUESTS, since=since, step=600, agg="sum")
    assert [p["value"] for p in points["serviceMetrics"]] == [3.0]
    peaks = client(SERIES, id=service, metric=REQUESTS, since=since, step=60, agg="max")
    assert {p["value"] for p in peaks["serviceMetrics"]} == {2.0}
    for metric, step, agg, field in (
        ("cpu", 60, "avg", "metric"),
        (REQUESTS, 1, "avg", "step"),
        (REQUESTS, 60, "median", "aggregation"),
    ):
        with pytest.raises(GraphQLError) as refused:
            client(SERIES, id=service, metric=metric, since=since, step=step, agg=agg)
        assert refused.value.codes == ["VALIDATION_FAILED"], field
        assert field in str(refused.value.errors)
    stranger = server.client()
    stranger.sign_up(f"other-{uuid.uuid4().hex[:6]}@example.com", "Other")
    with pytest.raises(GraphQLError) as hidden:
        stranger(SERIES, id=service, metric=REQUESTS, since=since, step=60, agg="avg")
    assert hidden.value.codes[0] in {"FORBIDDEN", "NOT_FOUND"}


LIVE = """subscription($id: ID!, $since: DateTime!, $metric: String!) {
  serviceMetricsUpdated(serviceId: $id, metric: $metric, since: $since, stepSeconds: 60,
                        aggregation: "max") { points { at value } }
}"""


def test_a_live_series_sends_the_newest_steps_after_each_collection_round(
    server: Server, server_settings: Settings, store: PostgresTimeSeries
) -> None:
    client = server.client()
    _, _, service = a_service(client)
    now = datetime.now(UTC)
    sample = functools.partial(
        Sample, metric=CPU_CORES, service_id=uuid.UUID(service), replica="d:0"
    )
    store.record([sample(at=now - timedelta(minutes=2), value=0.5)])
    feed = change_feed(server_settings, storage_for(server_settings))
    since = (now - timedelta(minutes=10)).isoformat()
    try:
        with client.subscribe(LIVE, id=service, since=since, metric=CPU_CORES) as live:
            first = live.next(timeout=30)["serviceMetricsUpdated"]["points"]
            assert [p["value"] for p in first] == [0.5]
            store.record([sample(at=datetime.now(UTC), value=0.9)])
            position = int(time.time() * 1000)
            feed.publish(
                ChangeBatch("metrics", position, [Change("service_metrics", service, position)])
            )
            update = live.next(timeout=30)["serviceMetricsUpdated"]["points"]
            assert update[-1]["value"] == 0.9
            assert update[0]["at"] == first[-1]["at"]  # from the last step sent before
        with (
            pytest.raises(GraphQLError) as refused,
            client.subscribe(LIVE, id=service, since=since, metric="cpu") as bad,
        ):
            bad.next(timeout=30)
        assert "VALIDATION_FAILED" in str(refused.value.errors)
    finally:
        feed.close()
