"""The internal DNS server (issue 18) asked with dnspython over UDP and TCP, answering from
PostgreSQL-backed read models and the in-memory engine's containers.

The engine gives containers loopback addresses (127.77.x.y), so the test asks from a
replica's own address as that container would, and from 127.0.0.1 as a stranger.
"""
# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name

from __future__ import annotations

import socket
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from adapters.dns_server import DnsServer, InternalDns
from adapters.fakes import FakeClock
from application import commands as c
from application.changes import ChangeBatch
from application.internal_dns import DnsTable, DnsTableBuilder, Entry, Target
from application.processes.support import INSTANCE, MANAGED, ORGANIZATION
from application.runtime_ports import ContainerSpec
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.graphql.schema import build_schema
from tests.integration.deploy_support import until
from tests.integration.test_dashboard_reads import CountingContext, seed
from tests.integration.test_deployer_fakes import Rig, bare_rig, rig  # noqa: F401 (fixtures)

pytestmark = pytest.mark.postgres

NAME = "web.production.shop.internal"
SRV = "_http._tcp.web.production.shop.internal"


@pytest.fixture
def store_settings(pg_settings: Settings) -> Settings:
    """Only on PostgreSQL: the server setup's read models."""
    return pg_settings


@dataclass
class Dns:
    """The running server and the rig whose replicas it names."""

    rig: Rig
    internal: InternalDns
    port: int

    def ask(
        self, name: str, rdtype: str = "A", *, source: str | None = None, tcp: bool = False
    ) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)
        source = source or self.replica_addresses()[0]
        if tcp:
            return dns.query.tcp(query, "127.0.0.1", port=self.port, timeout=5, source=source)
        return dns.query.udp(query, "127.0.0.1", port=self.port, timeout=5, source=source)

    def replica_addresses(self) -> list[str]:
        live = self.rig.world.app.queries.service(self.rig.service).live_release(
            self.rig.world.production
        )
        assert live is not None
        return sorted(
            address
            for info in self.rig.containers(live)
            if info.state == "running"
            for address in info.addresses.values()
        )


def addresses(response: dns.message.Message) -> list[str]:
    return sorted(rd.address for rrset in response.answer for rd in rrset)


@pytest.fixture
def served(rig: Rig) -> Iterator[Dns]:
    rig.runtime.address_prefix = "127.77"
    rig.run(c.ScaleService(service_id=rig.service, replicas=2))
    rig.deploy(rig.commits[0])
    app = rig.world.app
    builder = DnsTableBuilder(
        dashboard=app.dashboard,
        runtimes=rig.reconciler.runtimes,
        instance=app.settings.instance,
        local_endpoint=app.settings.docker_host,
    )
    internal = InternalDns(("127.0.0.1", 0), builder)
    stop = threading.Event()
    changed = threading.Event()

    def heard(batch: ChangeBatch) -> None:
        if batch.model == "dashboard":
            changed.set()

    def wait(seconds: float) -> None:  # as interfaces/bootstrap/processes.py on_dashboard
        changed.wait(seconds)
        changed.clear()

    unlisten = app.changes.listen(heard)
    thread = threading.Thread(target=internal.run, args=(stop, wait), daemon=True)
    thread.start()
    until(lambda: internal.server._udp is not None and bool(internal.table().names))
    yield Dns(rig, internal, internal.server.address[1])
    stop.set()
    changed.set()
    thread.join(timeout=10)
    unlisten()


def test_names_answer_a_and_srv_records_of_the_running_replicas_and_nxdomain_otherwise(
    served: Dns,
) -> None:
    replicas = served.replica_addresses()
    assert len(replicas) == 2
    for tcp in (False, True):
        response = served.ask(NAME, tcp=tcp)
        assert response.rcode() == dns.rcode.NOERROR
        assert response.flags & dns.flags.AA
        assert addresses(response) == replicas

    response = served.ask(SRV, "SRV")
    assert response.rcode() == dns.rcode.NOERROR
    (srv,) = response.answer
    records = sorted((rd.port, rd.target.to_text()) for rd in srv)
    assert records == [(8080, f"replica-0.{NAME}."), (8080, f"replica-1.{NAME}.")]
    extra = sorted(rd.address for rrset in response.additional for rd in rrset)
    assert extra == replicas
    one = served.ask(f"replica-1.{NAME}")
    assert len(addresses(one)) == 1 and addresses(one)[0] in replicas

    for name in ("api.production.shop.internal", "_grpc._tcp." + NAME, "replica-7." + NAME):
        assert served.ask(name).rcode() == dns.rcode.NXDOMAIN, name


def test_strangers_and_containers_of_another_organisation_are_refused(served: Dns) -> None:
    for name in (NAME, "api.production.shop.internal"):
        response = served.ask(name, source="127.0.0.1")
        assert response.rcode() == dns.rcode.REFUSED
        assert response.answer == []

    runtime = served.rig.runtime
    runtime.add_image("busybox:latest")
    runtime.ensure_network("other-net", {})
    labels = {
        MANAGED: "true",
        INSTANCE: served.rig.world.app.settings.instance,
        ORGANIZATION: str(uuid.uuid4()),
    }
    created = runtime.create(
        ContainerSpec(name="stranger", image="busybox", labels=labels, network="other-net")
    )
    stranger = runtime.start(created.id).addresses["other-net"]
    served.internal.refresh()
    for name, rdtype in ((NAME, "A"), (SRV, "SRV"), (f"replica-0.{NAME}", "A")):
        response = served.ask(name, rdtype, source=stranger)
        assert response.rcode() == dns.rcode.REFUSED, name
        assert response.answer == [] and response.additional == []
    assert served.ask(NAME).rcode() == dns.rcode.NOERROR  # its own still resolve


def test_a_scale_change_shows_in_the_answers(served: Dns) -> None:
    rig = served.rig
    rig.run(c.ScaleService(service_id=rig.service, replicas=3))
    rig.reconciler.tick()
    rig.sync()
    until(lambda: len(addresses(served.ask(NAME))) == 3)
    assert addresses(served.ask(NAME)) == served.replica_addresses()
    rig.run(c.ScaleService(service_id=rig.service, replicas=1))
    rig.reconciler.tick()
    rig.sync()
    until(lambda: len(addresses(served.ask(NAME))) == 1)


def test_a_replica_failing_readiness_leaves_the_answers_and_comes_back(served: Dns) -> None:
    """As its route does: out while its readiness probe fails, back when it passes; when no
    replica passes, all of them answer (better a failing answer than none)."""
    rig = served.rig
    live = rig.world.app.queries.service(rig.service).live_release(rig.world.production)
    assert live is not None
    by_replica = {
        int(info.labels["containr.replica"]): sorted(info.addresses.values())[0]
        for info in rig.containers(live)
    }

    def readiness(replica: int, passing: bool) -> None:
        rig.run(
            c.RecordReplicaHealth(
                deployment_id=live,
                replica=replica,
                probe="readiness",
                passing=passing,
                detail="GET / answered 200" if passing else "GET / answered 503",
            )
        )
        rig.sync()

    readiness(1, False)
    until(lambda: addresses(served.ask(NAME)) == [by_replica[0]])
    srv = served.ask(SRV, "SRV")
    assert [rd.target.to_text() for rrset in srv.answer for rd in rrset] == [f"replica-0.{NAME}."]
    readiness(0, False)
    until(lambda: addresses(served.ask(NAME)) == sorted(by_replica.values()))
    readiness(0, True)
    until(lambda: addresses(served.ask(NAME)) == [by_replica[0]])
    readiness(1, True)
    until(lambda: addresses(served.ask(NAME)) == sorted(by_replica.values()))


@pytest.fixture
def bare_server() -> Iterator[DnsServer]:
    """A server whose table names one service of one organisation, asked from 127.0.0.9."""
    organization = uuid.uuid4()
    table = DnsTable(
        names={NAME: Entry(organization, (Target(0, "10.1.0.2", 8080),), "http")},
        askers={"127.0.0.9": organization},
    )
    server = DnsServer("127.0.0.1", 0, lambda: table)
    server.start()
    yield server
    server.stop()


def test_garbage_is_answered_formerr_or_dropped_and_the_server_keeps_answering(
    bare_server: DnsServer,
) -> None:
    port = bare_server.address[1]
    good = dns.message.make_query(NAME, "A")
    header_only = good.to_wire()[:12] + b"\x07garbage"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.9", 0))
        udp.settimeout(5)
        for junk in (b"", b"\x00", b"\xff" * 5):  # no header: dropped
            udp.sendto(junk, ("127.0.0.1", port))
        udp.sendto(header_only, ("127.0.0.1", port))
        answer, _ = udp.recvfrom(512)  # the first answer is the FORMERR: the rest were dropped
        assert answer[:2] == good.to_wire()[:2]
        assert answer[3] & 0x0F == dns.rcode.FORMERR
    with socket.create_connection(("127.0.0.1", port), timeout=5) as tcp:
        tcp.sendall(len(header_only).to_bytes(2, "big") + header_only)
        size = int.from_bytes(tcp.recv(2), "big")
        assert tcp.recv(size)[3] & 0x0F == dns.rcode.FORMERR
    answer = dns.query.udp(good, "127.0.0.1", port=port, timeout=5, source="127.0.0.9")
    assert addresses(answer) == ["10.1.0.2"]


def test_other_names_are_forwarded_upstream_or_answered_servfail(bare_server: DnsServer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as upstream:
        upstream.bind(("127.0.0.1", 0))

        def answer_once() -> None:
            wire, peer = upstream.recvfrom(512)
            response = dns.message.make_response(dns.message.from_wire(wire))
            response.answer.append(dns.rrset.from_text("example.org.", 60, "IN", "A", "192.0.2.7"))
            upstream.sendto(response.to_wire(), peer)

        upstream.settimeout(10)
        server = DnsServer(
            "127.0.0.1",
            0,
            bare_server.table,
            upstreams=[upstream.getsockname()],
            forward_deadline=0.5,
        )
        server.start()
        try:
            responder = threading.Thread(target=answer_once, daemon=True)
            responder.start()
            query = dns.message.make_query("example.org", "A")
            forwarded = dns.query.udp(query, "127.0.0.1", port=server.address[1], timeout=5)
            responder.join(timeout=10)
            assert addresses(forwarded) == ["192.0.2.7"]
            # Now the upstream reads nothing: SERVFAIL when its deadline passes, not a hang.
            silent = dns.query.udp(query, "127.0.0.1", port=server.address[1], timeout=5)
            assert silent.rcode() == dns.rcode.SERVFAIL
        finally:
            server.stop()


NAMES = """query Dashboard($org: ID!) { organization(id: $org) { id
  projects(first: 50) { nodes { id services { id name states { environmentId
    internalHostname internalSrvName urls { url } } } } } } }"""


def test_the_service_states_show_their_internal_names_in_one_read_per_level(
    store_settings: Settings,
) -> None:
    app = bootstrap(store_settings, clock=FakeClock())
    try:
        principal, org = seed(app, 2)
        context = CountingContext(app, principal, "test")
        context.tables = Counter()
        result = build_schema().execute_sync(
            NAMES, variable_values={"org": org}, context_value=context
        )
        assert result.errors is None and result.data is not None
        states = [
            st
            for p in result.data["organization"]["projects"]["nodes"]
            for s in p["services"]
            for st in s["states"]
        ]
        names = sorted((st["internalHostname"], st["internalSrvName"]) for st in states)
        expected = [f"svc-{s}.production.project-{p}.internal" for p in range(2) for s in range(2)]
        assert names == sorted((name, f"_http._tcp.{name}") for name in expected)
        assert context.tables["environments"] == 1 and context.tables["projects"] == 1
    finally:
        app.close()
