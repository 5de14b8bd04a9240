"""Direct engine endpoints with TLS client certificates, on real parts (issue 18).

A second dockerd, started by the test with ``--tlsverify`` on tcp://127.0.0.1:<port>, is a
node whose client certificates Containr holds (the key sealed), reached at its bridge's
address. A web service placed there runs behind Caddy, which reaches it at that address and
the published port; rotating the
node's material to a client certificate another CA signed gets it refused by the engine, so
the node is marked unreachable (with a reason that quotes no key), and rotating back brings
it back. Material that does not hold together is refused before anything is recorded.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import docker
import pytest

from adapters.caddy import CaddyIngress
from adapters.caddy_process import CaddyServer, CaddyStartError, free_port
from adapters.docker_runtime import DockerRuntime
from application import commands as c
from application.errors import InvalidValueError
from application.processes.support import DEPLOYMENT, INSTANCE, MANAGED
from application.runtime_ports import EngineTls, EngineUnreachableError
from application.secrets import Secret
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from tests.certificates import Authority, Issued
from tests.conftest import service_missing
from tests.contract.docker_images import BASE_IMAGE, local_engine
from tests.integration.deploy_support import (
    Platform,
    remove_containers,
    start_platform,
    stop_platform,
    until,
)
from tests.integration.tls_engine import TlsEngine

APP = (
    "mkdir -p /w; echo hello over tls > /w/index.html; trap 'exit 0' TERM; "
    "httpd -f -p 8080 -h /w & wait"
)


class Pki:
    """The engine's CA with a client certificate it signed, and a stranger's."""

    def __init__(self) -> None:
        self.authority = Authority("containr-test-engines")
        self.client = self.authority.issue("containr")
        self.expired = self.authority.issue("containr-old", expired=True)
        self.stranger = Authority("someone-else")
        self.rogue = self.stranger.issue("containr")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.APIClient]:
    yield from local_engine()


@pytest.fixture(scope="module")
def tls_engine(pki: Pki, engine: docker.APIClient) -> Iterator[TlsEngine]:
    if shutil.which("dockerd") is None:
        service_missing("a second dockerd", FileNotFoundError("dockerd"))
    second = TlsEngine(pki.authority)
    try:
        second.start()
        second.load(BASE_IMAGE)
        yield second
    finally:
        second.remove()


@pytest.fixture
def platform(
    pg_settings: Settings,
    engine: docker.APIClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Platform]:
    caplog.set_level(logging.CRITICAL, logger="application.processes")
    caddy = CaddyServer(tmp_path / "caddy")
    try:
        caddy.start()
    except CaddyStartError as e:
        service_missing("Caddy", e)
    started = start_platform(
        pg_settings, caddy.admin_url, f"127.0.0.1:{free_port()}", failover_grace_seconds=2
    )
    try:
        started.create_project(f"Tls {uuid.uuid4().hex[:6]}")
        yield started
    finally:
        stop_platform(started, engine)
        caddy.stop()


def register(
    platform: Platform,
    endpoint: str,
    client: Issued,
    ca: str,
    name: str,
    address: str | None = None,
) -> uuid.UUID:
    assert platform.org is not None
    return platform.run(
        c.RegisterNode(
            organization_id=platform.org,
            name=name,
            endpoint=endpoint,
            cpu_millis=4000,
            memory_mb=8192,
            address=address,
            tls_ca_cert=ca,
            tls_client_cert=client.cert,
            tls_client_key=Secret(client.key),
        )
    ).id("node_id")


def key_body(issued: Issued) -> str:
    """A line from the middle of the key's PEM: what must never appear in clear."""
    return issued.key.strip().splitlines()[1]


def recorded(platform: Platform) -> str:
    return "\n".join(str(e.fields) for e in platform.services.events.read(0, limit=100_000))


def test_a_service_on_a_tls_node_runs_there_and_is_routed_and_a_foreign_cert_is_refused(
    platform: Platform, tls_engine: TlsEngine, pki: Pki
) -> None:
    assert platform.project is not None
    # The node is reached at its bridge's address, not loopback: a "host" of its own.
    address = f"{tls_engine.subnet}.1"
    node = register(platform, tls_engine.url, pki.client, pki.authority.pem, "tls-node", address)
    service = platform.run(
        c.CreateService(
            project_id=platform.project,
            name="web",
            kind=ServiceKind.WEB,
            image=BASE_IMAGE,
            start_command=APP,
            port=8080,
        )
    ).id("service_id")
    assert platform.org is not None
    org = platform.org
    until(
        lambda: any(
            row.id == node and row.tls_fingerprint is not None
            for row in platform.services.dashboard.nodes(org)
        ),
        what="the node's TLS material in the read model",
    )
    platform.start_processes()
    first = platform.wait_for(platform.deploy(service), timeout=120)
    assert first.state is DeploymentState.HEALTHY, first.history
    assert set(first.placements.values()) == {node}
    direct = tls_engine.client()
    try:
        # The replica runs on the TLS engine, labelled as this installation's, its port
        # published on the node's address, where Caddy reaches it.
        found = direct.containers(filters={"label": [f"{DEPLOYMENT}={first.id}"]})
        assert [x["State"] for x in found] == ["running"]
        assert found[0]["Labels"][INSTANCE] == platform.settings.instance
        assert found[0]["Labels"][MANAGED] == "true"
        (published,) = [p for p in found[0]["Ports"] if "PublicPort" in p]
        assert published["IP"] == address
        assert platform.services.dashboard.node(node).address == address
        platform.wait_answer("web", "hello over tls\n")
        ingress = CaddyIngress(
            platform.settings.ingress_admin or "", listen=platform.ingress_listen
        )
        try:
            (route,) = [r for r in ingress.routes() if r.hosts[0].startswith("web.")]
        finally:
            ingress.close()
        assert route.upstreams == [f"{address}:{published['PublicPort']}"]

        # A client certificate another CA signed: the engine refuses the handshake.
        platform.run(
            c.ConfigureNodeTls(
                node_id=node,
                tls_ca_cert=pki.authority.pem,
                tls_client_cert=pki.rogue.cert,
                tls_client_key=Secret(pki.rogue.key),
            )
        )
        until(
            lambda: not platform.services.queries.node(node).reachable,
            timeout=60,
            what="the node to be marked unreachable",
        )
        reason = platform.services.queries.node(node).unreachable_reason or ""
        assert tls_engine.url in reason and "refused the TLS connection" in reason, reason
        assert key_body(pki.rogue) not in reason and "PRIVATE KEY" not in reason

        # Rotated back to the engine's CA's certificate: it answers again.
        platform.run(
            c.ConfigureNodeTls(
                node_id=node,
                tls_ca_cert=pki.authority.pem,
                tls_client_cert=pki.client.cert,
                tls_client_key=Secret(pki.client.key),
            )
        )
        until(
            lambda: platform.services.queries.node(node).reachable,
            timeout=60,
            what="the node to be marked reachable again",
        )
        # No key was ever recorded in clear.
        log = recorded(platform)
        assert "BEGIN CERTIFICATE" in log  # the certificates are, in clear
        for issued in (pki.client, pki.rogue):
            assert key_body(issued) not in log
        assert "PRIVATE KEY" not in log
    finally:
        with suppress(Exception):
            remove_containers(direct, {INSTANCE: platform.settings.instance})
        direct.close()


def test_the_engine_refuses_a_client_certificate_another_ca_signed_with_a_clear_error(
    tls_engine: TlsEngine, pki: Pki
) -> None:
    def runtime(issued: Issued) -> DockerRuntime:
        tls = EngineTls(
            ca_cert=pki.authority.pem, client_cert=issued.cert, client_key=Secret(issued.key)
        )
        return DockerRuntime(tls_engine.url, timeout=10, tls=tls)

    good, rogue = runtime(pki.client), runtime(pki.rogue)
    try:
        assert good.ping()
        assert good.containers({INSTANCE: f"nobody-{uuid.uuid4().hex[:6]}"}) == []
        with pytest.raises(EngineUnreachableError) as refused:
            rogue.containers({INSTANCE: "x"})
        message = str(refused.value)
        assert tls_engine.url in message and "TLS" in message and "CA signed" in message, message
        assert key_body(pki.rogue) not in message and "PRIVATE KEY" not in message
        assert not rogue.ping()
        # Its TLS files live in a directory of the process's own, removed on close.
        files = good._tls_dir
        assert files is not None and (files.stat().st_mode & 0o777) == 0o700
        assert {p.name: p.stat().st_mode & 0o777 for p in files.iterdir()} == {
            "ca.pem": 0o600,
            "cert.pem": 0o600,
            "key.pem": 0o600,
        }
    finally:
        good.close()
        rogue.close()
    assert not files.exists()


def test_material_that_does_not_hold_together_is_refused_and_nothing_is_recorded(
    platform: Platform, pki: Pki
) -> None:
    before = len(platform.services.events.read(0, limit=100_000))
    other = pki.authority.issue("another")
    cases: list[tuple[Issued, str, str]] = [
        (Issued(cert=pki.client.cert, key=other.key), "tls_client_key", "does not belong"),
        (pki.expired, "tls_client_cert", "has expired"),
        (Issued(cert="not a certificate", key=pki.client.key), "tls_client_cert", "PEM"),
        (Issued(cert=pki.client.cert, key="not a key"), "tls_client_key", "PEM"),
    ]
    for issued, field, words in cases:
        with pytest.raises(InvalidValueError) as refused:
            register(platform, "tcp://127.0.0.1:2376", issued, pki.authority.pem, "bad")
        assert refused.value.field == field and words in refused.value.message, refused.value
        assert key_body(other) not in str(refused.value)
    with pytest.raises(InvalidValueError) as local:
        register(platform, "unix:///var/run/docker.sock", pki.client, pki.authority.pem, "bad")
    assert local.value.field == "endpoint"
    assert len(platform.services.events.read(0, limit=100_000)) == before
