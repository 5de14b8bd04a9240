"""A replica's death and its replacement, under load through Caddy (issue 17).

Run as `python -m bench.failover` (PostgreSQL on 127.0.0.1:5432, Docker at the local socket,
`caddy` on PATH; about a minute). Containr runs in this process on a scratch database with
its own Caddy, its deployer, reconciler (following the engine's events) and health monitor.

A busybox web service with 2 replicas and an HTTP readiness check (every 0.5 s) serves a
bounded load (2 clients back to back through Caddy) while one replica's process is killed
(SIGKILL from the host, as a crash):

``healthy_only``: from the kill until every upstream of the route answers (the dead one
out, or its replacement in and answering).
``replica_replaced``: from the kill until the replacement runs, answers its port and is in
the route. Baseline: Docker's own ``restart: always`` on the same container in the same run
(killed the same way, until it answers again). Target ratio <= 1.5.
``failed_requests_during_crash``: requests through Caddy that did not answer 200 while it
happened (target 0).
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from contextlib import ExitStack, suppress
from pathlib import Path
from uuid import UUID

import docker
import docker.errors
import httpx
import msgspec

from adapters.caddy_process import CaddyServer, free_port
from application import commands as c
from application.processes.support import DEPLOYMENT, INSTANCE, REPLICA, network_name
from bench.autoscale import APP, Bench, answers, until
from bench.common import bench_line, scratch_postgres
from bench.deploy_overhead import private_database, remove_all
from domain.service_spec import HealthCheck, HealthCheckKind, ServiceKind
from interfaces.bootstrap import bootstrap
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image

DOCKER_URL = "unix:///var/run/docker.sock"
LOAD_SECONDS = 60
"""The load stops by itself after this long, whatever happens."""
READINESS = HealthCheck(
    kind=HealthCheckKind.HTTP, path="/", interval_seconds=0.5, timeout_seconds=1, retries=2
)


def web_with_readiness(bench: Bench) -> tuple[UUID, UUID]:
    """The service with 2 replicas and its live release's id, once it answers via Caddy."""
    service = bench.run(
        c.CreateService(
            project_id=bench.project,
            name="heal",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=APP,
            port=8080,
            replicas=2,
            health_check=READINESS,
        )
    ).id("service_id")
    deployment = bench.run(
        c.RequestDeployment(service_id=service, environment_id=bench.environment)
    ).id("deployment_id")
    until(lambda: bench.healthy(service), 120, "the release")
    until(lambda: bench.get("heal").status_code == 200, 60, "the route")
    return service, deployment


def replicas(bench: Bench, deployment: UUID) -> dict[str, tuple[str, str]]:
    """Replica number -> (container id, state) of the release's containers."""
    labels = [f"{DEPLOYMENT}={deployment}", f"{INSTANCE}={bench.app.settings.instance}"]
    return {
        x["Labels"][REPLICA]: (x["Id"], x["State"])
        for x in bench.api.containers(all=True, filters={"label": labels})
    }


def crash(bench: Bench, service: UUID, deployment: UUID) -> tuple[float, float, int, int]:
    """(seconds to healthy upstreams only, seconds to the replacement serving, failed
    requests, requests) for one `docker kill` under load."""
    results: list[int] = []
    stop = threading.Event()
    deadline = time.monotonic() + LOAD_SECONDS

    def load() -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    answer = client.get(
                        f"http://{bench.listen}/", headers={"Host": bench.host("heal")}
                    )
                    results.append(answer.status_code)
                except httpx.HTTPError:
                    results.append(0)

    workers = [threading.Thread(target=load, daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        until(lambda: len(results) > 50, 30, "the load to flow")
        victim, _ = replicas(bench, deployment)["1"]
        started = bench.api.inspect_container(victim)["State"]["StartedAt"]
        killed = time.monotonic()
        crash_container(bench.api, victim)

        def only_healthy() -> bool:
            upstreams = bench.route(service) or []
            return bool(upstreams) and all(answers(u) for u in upstreams)

        def replaced() -> bool:
            now = replicas(bench, deployment).get("1")
            if now is None or now[1] != "running":
                return False
            # Restarted in place (a new run of the same container) or a new container.
            if now[0] == victim and bench.api.inspect_container(victim)["State"]["StartedAt"] == (
                started
            ):
                return False
            port = bench.api.port(now[0], 8080)
            address = f"127.0.0.1:{port[0]['HostPort']}" if port else ""
            return bool(address) and answers(address) and address in (bench.route(service) or [])

        until(only_healthy, 60, "healthy upstreams only")
        healthy = time.monotonic() - killed
        until(replaced, 60, "the replacement serving")
        serving = time.monotonic() - killed
        seen = len(results)
        until(lambda: len(results) > seen + 50, 30, "requests after the replacement")
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=20)
    return healthy, serving, sum(1 for r in results if r != 200), len(results)


def crash_container(api: docker.APIClient, container: str) -> None:
    """The container's process dies as in a crash: SIGKILL from the host to its main
    process (``docker kill`` counts as a stop the operator asked for, which ``restart:
    always`` respects; a crash it restarts)."""
    os.kill(int(api.inspect_container(container)["State"]["Pid"]), signal.SIGKILL)


def docker_restart(bench: Bench) -> float:
    """Docker alone: the same container with ``restart: always``, killed, until it answers."""
    api = bench.api
    labels = {INSTANCE: bench.app.settings.instance, "containr.bench": "restart-always"}
    container = api.create_container(
        BASE_IMAGE,
        command=["sh", "-c", APP.removeprefix("sh -c '").removesuffix("'")],
        labels=labels,
        ports=[8080],
        host_config=api.create_host_config(
            port_bindings={8080: ("127.0.0.1", None)}, restart_policy={"Name": "always"}
        ),
    )["Id"]
    try:
        api.start(container)

        def address() -> str:
            with suppress(docker.errors.APIError, IndexError, TypeError):
                return f"127.0.0.1:{api.port(container, 8080)[0]['HostPort']}"
            return ""

        until(lambda: answers(address()), 60, "the restart-always container")
        started = api.inspect_container(container)["State"]["StartedAt"]
        killed = time.monotonic()
        crash_container(api, container)

        def back() -> bool:
            state = api.inspect_container(container)["State"]
            return state["Running"] and state["StartedAt"] != started and answers(address())

        until(back, 60, "Docker to restart it")
        return time.monotonic() - killed
    finally:
        with suppress(docker.errors.APIError):
            api.remove_container(container, force=True)


def main() -> None:
    api = docker.APIClient(base_url=DOCKER_URL, version="auto", timeout=60)
    ensure_busybox_image(api)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as cleanup:
        cleanup.callback(api.close)
        caddy = CaddyServer(Path(tmp) / "caddy")
        caddy.start()
        cleanup.callback(caddy.stop)
        url = cleanup.enter_context(private_database())
        scratch = cleanup.enter_context(scratch_postgres(url=url))
        listen = f"127.0.0.1:{free_port()}"
        settings = msgspec.structs.replace(
            scratch, ingress_admin=caddy.admin_url, ingress_listen=listen, start_timeout_seconds=60
        )
        app = bootstrap(settings)
        cleanup.callback(app.close)
        stop = threading.Event()
        threads = app.run_projections(stop)
        networks: list[str] = []

        def stop_all() -> None:
            """The threads first (no reconciler replaces what is removed), then the engine."""
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
            remove_all(api, settings.instance, networks)

        cleanup.callback(stop_all)
        threads += app.run_processes(stop)
        bench = Bench(app, api, listen)
        networks.append(network_name(bench.environment))
        service, deployment = web_with_readiness(bench)
        healthy, serving, failed, total = crash(bench, service, deployment)
        docker_time = docker_restart(bench)
    print(
        f"crash: healthy upstreams only after {healthy:.2f} s, replacement serving after "
        f"{serving:.2f} s; Docker's restart: always {docker_time:.2f} s; "
        f"{failed} of {total} requests failed"
    )
    print(bench_line("healthy_only", healthy, "s", docker_time, "docker restart always"))
    print(bench_line("replica_replaced", serving, "s", docker_time, "docker restart always"))
    print(f"BENCH failed_requests_during_crash {failed} requests of={total}")


if __name__ == "__main__":
    main()
