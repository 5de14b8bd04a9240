"""A node's TLS client certificates and address through the GraphQL API (issue 18): the key
goes in and is never given back, in answers or in the event log; rotation and a new address
show on the node."""

from __future__ import annotations

import logging

import pytest

from application.services import Services
from tests.certificates import Authority
from tests.e2e.client import Client, GraphQLError

REGISTER = """
mutation($o: ID!, $ca: String!, $cert: String!, $key: String!) {
  registerNode(organizationId: $o, name: "eu-2", endpoint: "tcp://10.0.0.12:2376",
               cpuMillis: 1000, memoryMb: 1024,
               tlsCaCert: $ca, tlsClientCert: $cert, tlsClientKey: $key) {
    id address tlsFingerprint
  }
}
"""
ROTATE = """
mutation($id: ID!, $ca: String!, $cert: String!, $key: String!) {
  configureNodeTls(id: $id, tlsCaCert: $ca, tlsClientCert: $cert, tlsClientKey: $key) {
    tlsFingerprint
  }
}
"""


def test_a_node_is_registered_rotated_and_readdressed_and_its_key_never_comes_back(
    setup: tuple[Services, Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app, client = setup
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    authority = Authority("api-ca")
    first, second = authority.issue("containr"), authority.issue("containr-2")
    node = client(REGISTER, o=org, ca=authority.pem, cert=first.cert, key=first.key)["registerNode"]
    assert node["address"] == "10.0.0.12" and node["tlsFingerprint"]
    rotated = client(ROTATE, id=node["id"], ca=authority.pem, cert=second.cert, key=second.key)
    assert rotated["configureNodeTls"]["tlsFingerprint"] not in (None, node["tlsFingerprint"])
    moved = client(
        'mutation($id: ID!) { setNodeAddress(id: $id, address: "192.168.7.2") { address } }',
        id=node["id"],
    )
    assert moved["setNodeAddress"]["address"] == "192.168.7.2"
    with pytest.raises(GraphQLError) as refused:
        client(ROTATE, id=node["id"], ca=authority.pem, cert=second.cert, key=first.key)
    assert refused.value.codes == ["VALIDATION_FAILED"]
    assert first.key.splitlines()[1] not in str(refused.value.errors)
    log = "\n".join(str(e.fields) for e in app.events.read(0, limit=100_000))
    for issued in (first, second):
        assert issued.key.splitlines()[1] not in log
    assert "PRIVATE KEY" not in log
    for issued in (first, second):
        assert issued.key.splitlines()[1] not in caplog.text
