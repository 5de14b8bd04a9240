"""Direct engine endpoints with TLS client certificates, and where a node's published ports
are reached (issue 18): the domain's rules, the material's checks, and upstream building."""

from __future__ import annotations

import datetime
import gc
import uuid

import pytest

from adapters.docker_runtime import DockerRuntime, _bind_address, _container_info
from adapters.runtimes import DockerEngines
from application.errors import InvalidValueError as AppInvalidValueError
from application.errors import UnavailableError
from application.node_tls import check_tls, key_context, seal_tls
from application.runtime_ports import ContainerInfo, EngineAccess, EngineTls
from application.secrets import Secret
from domain.errors import InvalidValueError
from domain.ids import NodeId, OrganizationId
from domain.node import Capacity, Node, NodeKind, NodeTls, default_address
from domain.values import SealedValue
from tests.certificates import Authority
from tests.unit.given import ACTOR, at, given, replayed, types

NOW = datetime.datetime.now(datetime.UTC)
AUTHORITY = Authority("unit-ca")
CLIENT = AUTHORITY.issue("containr")


def node(endpoint: str = "tcp://10.0.0.5:2376") -> Node:
    return Node.register(
        NodeId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        "edge-1",
        NodeKind.DOCKER,
        endpoint,
        Capacity(4000, 8192),
        {},
        actor=ACTOR,
        now=at(),
    )


class RecordingBox:
    """A SecretBox that 'seals' by tagging, and records what it sealed under which context."""

    def __init__(self) -> None:
        self.sealed: list[tuple[uuid.UUID, str]] = []

    def seal(self, organization_id: uuid.UUID, context: str, value: Secret) -> SealedValue:
        self.sealed.append((organization_id, context))
        return SealedValue(f"sealed:{len(value.reveal())}")

    def open(self, organization_id: uuid.UUID, context: str, sealed: SealedValue) -> Secret:
        raise NotImplementedError

    def destroy_key(self, organization_id: uuid.UUID) -> None:
        raise NotImplementedError

    def file_key(self, organization_id: uuid.UUID, context: str) -> bytes:
        raise NotImplementedError


# Where a node's published ports are reached


@pytest.mark.parametrize(
    ("endpoint", "address"),
    [
        ("unix:///var/run/docker.sock", "127.0.0.1"),
        ("tcp://10.0.0.5:2376", "10.0.0.5"),
        ("tcp://docker-2.internal:2376", "docker-2.internal"),
        ("ssh://deploy@10.0.0.6", "10.0.0.6"),
        ("tcp://[fd00::5]:2376", "fd00::5"),
    ],
)
def test_a_nodes_address_is_its_endpoints_host_or_loopback(endpoint: str, address: str) -> None:
    assert default_address(endpoint) == address
    assert node(endpoint).address == address


def test_an_advertised_address_replaces_the_endpoints_and_can_be_dropped_again() -> None:
    n = given(node())
    assert n.set_address("192.168.1.20", actor=ACTOR, now=at(1))
    assert not n.set_address("192.168.1.20", actor=ACTOR, now=at(2))
    assert n.address == "192.168.1.20"
    assert n.set_address(None, actor=ACTOR, now=at(3))
    assert n.address == "10.0.0.5"
    assert types(n) == ["AddressSet", "AddressSet"]


@pytest.mark.parametrize("address", ["", "10.0.0.5:80", "bad host", "http://x"])
def test_a_bad_address_is_refused(address: str) -> None:
    with pytest.raises(InvalidValueError, match="address"):
        node().set_address(address, actor=ACTOR, now=at(1))


def test_tls_material_is_recorded_with_its_key_sealed_and_replays() -> None:
    n = node()
    tls = NodeTls("CA", "CERT", SealedValue("sealed-key"))
    assert n.configure_tls(tls, actor=ACTOR, now=at(1))
    assert not n.configure_tls(tls, actor=ACTOR, now=at(2))
    assert replayed(n).tls == tls
    n = given(n)
    assert n.configure_tls(None, actor=ACTOR, now=at(3))
    assert n.tls is None
    assert types(n) == ["TlsCleared"]


def test_tls_material_needs_a_tcp_endpoint() -> None:
    with pytest.raises(InvalidValueError, match="tcp://"):
        node("unix:///var/run/docker.sock").configure_tls(
            NodeTls("CA", "CERT", SealedValue("k")), actor=ACTOR, now=at(1)
        )


# The material's checks


def test_good_material_passes_and_only_the_key_is_sealed() -> None:
    box = RecordingBox()
    org, node_id = uuid.uuid4(), uuid.uuid4()
    tls = seal_tls(box, org, node_id, AUTHORITY.pem, CLIENT.cert, Secret(CLIENT.key), NOW)
    assert tls is not None
    assert tls.client_cert.strip() == CLIENT.cert.strip()
    assert tls.ca_cert.strip() == AUTHORITY.pem.strip()
    assert str(tls.client_key).startswith("sealed:")
    assert box.sealed == [(org, key_context(node_id))]


def test_no_material_is_none_and_part_of_it_is_refused() -> None:
    box = RecordingBox()
    assert seal_tls(box, uuid.uuid4(), uuid.uuid4(), None, None, None, NOW) is None
    with pytest.raises(AppInvalidValueError) as refused:
        seal_tls(box, uuid.uuid4(), uuid.uuid4(), AUTHORITY.pem, CLIENT.cert, None, NOW)
    assert refused.value.field == "tls_client_key"
    assert box.sealed == []


def test_a_key_of_another_certificate_is_refused_without_quoting_it() -> None:
    other = AUTHORITY.issue("other")
    with pytest.raises(AppInvalidValueError) as refused:
        check_tls(AUTHORITY.pem, CLIENT.cert, Secret(other.key), NOW)
    assert refused.value.field == "tls_client_key"
    assert "does not belong" in refused.value.message
    assert other.key.splitlines()[1] not in str(refused.value)


def test_an_expired_or_future_certificate_is_refused() -> None:
    expired = AUTHORITY.issue("old", expired=True)
    with pytest.raises(AppInvalidValueError, match="has expired"):
        check_tls(AUTHORITY.pem, expired.cert, Secret(expired.key), NOW)
    with pytest.raises(AppInvalidValueError, match="not valid yet"):
        check_tls(AUTHORITY.pem, CLIENT.cert, Secret(CLIENT.key), NOW - datetime.timedelta(days=10))


@pytest.mark.parametrize(
    ("ca", "cert", "key", "field"),
    [
        ("nope", CLIENT.cert, CLIENT.key, "tls_ca_cert"),
        (AUTHORITY.pem, CLIENT.key, CLIENT.key, "tls_client_cert"),
        (
            AUTHORITY.pem,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            CLIENT.key,
            "tls_client_cert",
        ),
        (AUTHORITY.pem, CLIENT.cert, CLIENT.cert, "tls_client_key"),
        (
            AUTHORITY.pem,
            CLIENT.cert,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "tls_client_key",
        ),
    ],
)
def test_what_is_not_pem_is_refused_naming_the_field(
    ca: str, cert: str, key: str, field: str
) -> None:
    with pytest.raises(AppInvalidValueError) as refused:
        check_tls(ca, cert, Secret(key), NOW)
    assert refused.value.field == field
    assert "PEM" in refused.value.message


# Upstreams


@pytest.mark.parametrize(
    ("address", "port", "upstream"),
    [
        ("127.0.0.1", 32768, "127.0.0.1:32768"),
        ("10.0.0.5", 40001, "10.0.0.5:40001"),
        ("docker-2.internal", 40002, "docker-2.internal:40002"),
        ("fd00::5", 40003, "[fd00::5]:40003"),
        ("10.0.0.5", None, None),
    ],
)
def test_an_upstream_is_the_nodes_address_and_the_published_port(
    address: str, port: int | None, upstream: str | None
) -> None:
    info = ContainerInfo(
        id="c",
        name="n",
        image="i",
        labels={},
        state="running",
        host_port=port,
        host_address=address,
    )
    assert info.upstream() == upstream


def test_a_container_reported_without_an_address_is_reached_on_loopback() -> None:
    info = ContainerInfo(id="c", name="n", image="i", labels={}, state="running", host_port=1)
    assert info.upstream() == "127.0.0.1:1"


@pytest.mark.parametrize(
    ("address", "bound"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("10.0.0.5", "10.0.0.5"),
        ("docker-2.internal", "0.0.0.0"),  # a name: every address of the host
    ],
)
def test_ports_are_published_on_the_nodes_address(address: str, bound: str) -> None:
    assert _bind_address(address) == bound


def test_the_engines_containers_carry_their_nodes_address() -> None:
    attrs = {
        "Id": "abc",
        "Name": "/web-0",
        "Config": {"Image": "busybox", "Labels": {}},
        "State": {"Status": "running"},
        "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "10.0.0.5", "HostPort": "40001"}]}},
    }
    assert _container_info(attrs, "10.0.0.5").upstream() == "10.0.0.5:40001"
    assert _container_info(attrs).upstream() == "127.0.0.1:40001"


# The kept clients


class Lookup:
    """An EngineAccessLookup the test sets: an access, or a read model that does not answer."""

    def __init__(self) -> None:
        self.access = EngineAccess()
        self.down = False

    def __call__(self, endpoint: str) -> EngineAccess:
        if self.down:
            raise UnavailableError("the read model does not answer")
        return self.access


def tls_access(version: str) -> EngineAccess:
    tls = EngineTls(ca_cert=AUTHORITY.pem, client_cert=CLIENT.cert, client_key=Secret(CLIENT.key))
    return EngineAccess(address="10.0.0.5", tls=tls, version=version)


def test_a_kept_client_is_replaced_when_the_nodes_material_or_address_changes() -> None:
    lookup = Lookup()
    engines = DockerEngines(lookup)
    url = "tcp://10.0.0.5:2376"
    plain = engines.for_endpoint(url)
    assert engines.for_endpoint(url) is plain
    lookup.access = tls_access("v1")
    first = engines.for_endpoint(url)
    assert first is not plain and engines.for_endpoint(url) is first
    lookup.access = tls_access("v2")  # rotated
    second = engines.for_endpoint(url)
    assert second is not first
    lookup.access = EngineAccess(address="10.0.0.6", tls=tls_access("v2").tls, version="v2")
    assert engines.for_endpoint(url) is not second
    engines.close()


def test_a_kept_client_serves_on_while_the_nodes_read_model_is_away() -> None:
    lookup = Lookup()
    engines = DockerEngines(lookup)
    kept = engines.for_endpoint("tcp://10.0.0.5:2376")
    lookup.down = True
    assert engines.for_endpoint("tcp://10.0.0.5:2376") is kept
    with pytest.raises(UnavailableError):
        engines.for_endpoint("tcp://10.0.0.7:2376")  # never reached: nothing to fall back on
    engines.close()


def test_a_runtimes_tls_files_are_private_and_go_with_it() -> None:
    tls = tls_access("v1").tls
    runtime = DockerRuntime("tcp://10.0.0.5:2376", tls=tls)
    runtime._tls_config()
    files = runtime._tls_dir
    assert files is not None and (files.stat().st_mode & 0o777) == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in files.iterdir()} == dict.fromkeys(
        ("ca.pem", "cert.pem", "key.pem"), 0o600
    )
    del runtime
    gc.collect()
    assert not files.exists()
