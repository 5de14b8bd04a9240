"""A replica's death and its replacement, under load through Caddy (issue 17).

Run as `python -m bench.failover` (PostgreSQL on 127.0.0.1:5432, Docker at the local socket,
`caddy` on PATH; about a minute). Containr runs in this process on a scratch database with
its own Caddy, its deployer, reconciler (following the engine's events) and health monitor.

A busybox web service with 2 replicas and an HTTP readiness check (every 0.5 s) serves a
bounded load (2 clients back to back through Caddy) while one replica's process is killed
(SIGKILL from the host, as a crash):

``healthy_only``: from the kill until every upstream of the route answers within 0.25 s (the
dead one out, or its replacement in and answering; a replica restarted in place at once stays
in the route, Caddy's passive check skipping it meanwhile, so this is about its restart).
``replica_replaced``: from the kill until the replacement runs, answers its port and is in
the route. Baseline: Docker's own ``restart: always`` on a container made as the replicas are
(same image, command, environment, network, DNS, limits and published port), in the same run,
under the same load through Caddy (to the service: the machine as busy as for the crash),
killed the same way, until it answers again on its port. Target ratio <= 1.5. (Docker waits
100 ms before a first restart; a bare start through its API on the die event is about that
much quicker than its restart policy.)
``failed_requests_during_crash``: requests through Caddy that did not answer 200 while it
happened (target 0), but for an answer the kill cut after its headers had passed (no proxy
can send that one again: its client has part of the answer), which is counted apart as
``cut``. As a browser does, the load's client sends a GET once more when its connection is
reset before any answer (Caddy closes idle connections at each configuration load); those
are counted as ``retried``.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
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
CUT = -1
"""A request whose answer had begun when the kill cut it."""
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


class Load:
    """Two clients back to back through Caddy to the service, until stopped (or after
    ``LOAD_SECONDS``): what each request answered, and those sent once more."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.results: list[int] = []
        self.failures: list[str] = []
        self.retried: list[str] = []
        self._stop = threading.Event()
        self._deadline = time.monotonic() + LOAD_SECONDS
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(2)]

    def __enter__(self) -> Load:
        for worker in self._workers:
            worker.start()
        until(lambda: len(self.results) > 50, 30, "the load to flow")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=20)

    def more(self, count: int) -> None:
        """Until ``count`` more requests were answered."""
        seen = len(self.results)
        until(lambda: len(self.results) > seen + count, 30, "requests after the replacement")

    def _run(self) -> None:
        bench = self.bench
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                for attempt in range(2):
                    try:
                        answer = client.get(
                            f"http://{bench.listen}/", headers={"Host": bench.host("heal")}
                        )
                        self.results.append(answer.status_code)
                        if answer.status_code != 200:
                            self.failures.append(f"{answer.status_code} {answer.text[:80]!r}")
                    except httpx.HTTPError as e:
                        if attempt == 0 and not_answered(e):
                            self.retried.append(repr(e))  # as a browser does: once more
                            continue
                        cut = "without sending complete message body" in str(e)
                        self.results.append(CUT if cut else 0)
                        self.failures.append(repr(e))
                    break


def crash(bench: Bench, service: UUID, deployment: UUID) -> tuple[float, float, int, int, int, int]:
    """(seconds to healthy upstreams only, seconds to the replacement serving, failed
    requests, requests cut mid-answer, requests sent once more, requests) for one replica's
    crash under load."""
    with Load(bench) as load:
        victim, _ = replicas(bench, deployment)["1"]
        started = bench.api.inspect_container(victim)["State"]["StartedAt"]
        killed = time.monotonic()
        crash_container(bench.api, victim)

        def only_healthy() -> bool:
            upstreams = bench.route(service) or []
            return bool(upstreams) and all(answers_soon(u) for u in upstreams)

        def replaced() -> bool:
            # Restarted in place (a new run of the same container; one look, as for Docker's
            # restart below) or else a new container.
            address = restarted(bench.api, victim, started)
            if not address:
                now = replicas(bench, deployment).get("1")
                if now is None or now[0] == victim or now[1] != "running":
                    return False
                address = restarted(bench.api, now[0], "")
            return bool(address) and answers(address) and address in (bench.route(service) or [])

        # Watched side by side: a look at one condition does not hold up the other's.
        healthy, serving = watch(
            killed, (only_healthy, "healthy upstreams only"), (replaced, "the replacement serving")
        )
        load.more(50)
    if load.failures:
        print(f"failed requests: {load.failures[:5]}")
    if load.retried:
        print(f"requests sent once more: {load.retried[:5]}")
    results = load.results
    failed = sum(1 for r in results if r not in (200, CUT))
    return healthy, serving, failed, results.count(CUT), len(load.retried), len(results)


def restarted(api: docker.APIClient, container: str, started: str) -> str:
    """The address of the container's published port 8080 when it runs a run that started
    other than at ``started``; empty otherwise. One inspection."""
    with suppress(docker.errors.NotFound):
        model = api.inspect_container(container)
        ports = (model["NetworkSettings"].get("Ports") or {}).get("8080/tcp") or []
        if model["State"]["Running"] and model["State"]["StartedAt"] != started and ports:
            return f"127.0.0.1:{ports[0]['HostPort']}"
    return ""


def answers_soon(address: str) -> bool:
    """Whether the address answers 200 within a quarter of a second. A connection made while
    a replica is dead is taken by the engine's port proxy, which holds it until the
    replacement answers: a longer wait would time the look, not the replacement."""
    try:
        return httpx.get(f"http://{address}/", timeout=0.25).status_code == 200
    except httpx.HTTPError:
        return False


def watch(since: float, *conditions: tuple[Callable[[], bool], str]) -> list[float]:
    """Seconds from ``since`` until each condition held, each polled in its own thread."""
    held: dict[int, float] = {}
    errors: list[BaseException] = []

    def poll(index: int, check: Callable[[], bool], what: str) -> None:
        try:
            until(check, 60, what)
            held[index] = time.monotonic() - since
        except BaseException as e:
            errors.append(e)

    threads = [
        threading.Thread(target=poll, args=(i, check, what), daemon=True)
        for i, (check, what) in enumerate(conditions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=70)
    if errors:
        raise errors[0]
    return [held[i] for i in range(len(conditions))]


def not_answered(error: httpx.HTTPError) -> bool:
    """The connection was reset or closed before any answer: a GET a browser sends once
    more (RFC 9112 9.3.1). Caddy closes its idle connections when it loads a configuration
    (a route change), and one the client was just reusing can be reset so."""
    return isinstance(error, httpx.ConnectError | httpx.ReadError | httpx.RemoteProtocolError) and (
        "reset" in str(error).lower() or "without sending a response" in str(error)
    )


def crash_container(api: docker.APIClient, container: str) -> None:
    """The container's process dies as in a crash: SIGKILL from the host to its main
    process (``docker kill`` counts as a stop the operator asked for, which ``restart:
    always`` respects; a crash it restarts)."""
    os.kill(int(api.inspect_container(container)["State"]["Pid"]), signal.SIGKILL)


def docker_restart(bench: Bench, template: str) -> float:
    """Docker alone: a container made as the replica ``template`` is (its image, command,
    environment, network and alias, DNS, limits, published port), with ``restart: always``,
    killed, until it answers."""
    api = bench.api
    model = api.inspect_container(template)
    config, hosting = model["Config"], model["HostConfig"]
    network = next(iter(model["NetworkSettings"]["Networks"]))
    labels = {INSTANCE: bench.app.settings.instance, "containr.bench": "restart-always"}
    container = api.create_container(
        config["Image"],
        command=config["Cmd"],
        environment=config["Env"],
        labels=labels,
        ports=[8080],
        host_config=api.create_host_config(
            port_bindings={8080: ("127.0.0.1", None)},
            restart_policy={"Name": "always"},
            network_mode=network,
            dns=hosting.get("Dns") or None,
            nano_cpus=hosting.get("NanoCpus") or None,
            mem_limit=hosting.get("Memory") or None,
        ),
        networking_config=api.create_networking_config(
            {network: api.create_endpoint_config(aliases=["heal-baseline"])}
        ),
    )["Id"]
    try:
        api.start(container)
        until(lambda: answers(restarted(api, container, "")), 60, "the restart-always container")
        started = api.inspect_container(container)["State"]["StartedAt"]
        killed = time.monotonic()
        crash_container(api, container)

        def back() -> bool:
            address = restarted(api, container, started)
            return bool(address) and answers(address)

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
        healthy, serving, failed, cut, retried, total = crash(bench, service, deployment)
        with Load(bench):  # the machine as busy as it was for the crash
            docker_time = docker_restart(bench, replicas(bench, deployment)["0"][0])
    print(
        f"crash: healthy upstreams only after {healthy:.2f} s, replacement serving after "
        f"{serving:.2f} s; Docker's restart: always {docker_time:.2f} s; "
        f"{failed} of {total} requests failed, {cut} cut mid-answer by the kill"
    )
    print(bench_line("healthy_only", healthy, "s", docker_time, "docker restart always"))
    print(bench_line("replica_replaced", serving, "s", docker_time, "docker restart always"))
    print(
        f"BENCH failed_requests_during_crash {failed} requests of={total} cut={cut} "
        f"retried={retried}"
    )


if __name__ == "__main__":
    main()
